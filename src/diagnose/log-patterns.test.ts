import { describe, expect, it } from 'vitest';
import { classifyLine, classifyLog, dependencyTarget, escapeRegExp, heapGrowth } from './log-patterns.js';

describe('classifyLine', () => {
  it.each([
    ['exec: "orders-server": executable file not found in $PATH: unknown', 'bad-command'],
    ['exec /usr/local/bin/entrypoint.sh: exec format error', 'bad-command'],
    ['/bin/sh: 1: gunicorn: not found', 'bad-command'],
    ['environment variable "PAYMENTS_URL" is not set', 'missing-config'],
    ['required key DATABASE_URL missing value', 'missing-config'],
    ["Error: ENOENT: no such file or directory, open '/etc/orders/config.json'", 'missing-config'],
    ["KeyError: 'DATABASE_URL'", 'missing-config'],
    ['open /var/lib/orders/data: permission denied', 'permission-denied'],
    ['OSError: [Errno 30] Read-only file system: \'/app/cache\'', 'permission-denied'],
    ['FATAL:  password authentication failed for user "orders"', 'permission-denied'],
    ['dial tcp 10.96.41.7:5432: connect: connection refused', 'dependency-unreachable'],
    ['dial unix /var/run/app/agent.sock: connect: no such file or directory', 'dependency-unreachable'],
    ['psql: error: could not translate host name "orders-db" to address: Name or service not known', 'dependency-unreachable'],
    ['panic: runtime error: index out of range [3] with length 3', 'application-error'],
    ['Exception in thread "main" java.lang.IllegalStateException: no handler', 'application-error'],
    ['ValueError: invalid literal for int() with base 10: \'abc\'', 'application-error'],
    ["TypeError: Cannot read properties of undefined (reading 'split')", 'application-error'],
    ['Error: failed to load config: open /etc/app/app.yaml: no such file or directory', 'missing-config'],
  ])('%s → %s', (line, cause) => {
    expect(classifyLine(line)).toBe(cause);
  });

  it('does not classify ordinary lines', () => {
    expect(classifyLine('listening on :8080')).toBeUndefined();
    expect(classifyLine('GET /healthz 200 1.2ms')).toBeUndefined();
  });
});

describe('classifyLog', () => {
  it('prefers the more specific cause: a refused connection inside a stack trace', () => {
    const m = classifyLog('Traceback (most recent call last):\n  File "x.py", line 1\nConnectionRefusedError: [Errno 111] Connection refused\n');
    expect(m?.cause).toBe('dependency-unreachable');
    expect(m?.index).toBe(2);
  });

  it('falls back to low-level lines only when nothing else names a cause', () => {
    expect(classifyLog('level=warn msg="config file not found"\n')?.cause).toBe('missing-config');
    expect(classifyLog('level=warn msg="config file not found"\nlevel=error msg="dial tcp 10.0.0.5:6379: i/o timeout"\n')?.cause).toBe('dependency-unreachable');
  });

  it('returns the dependency a connection error names', () => {
    expect(classifyLog('Error: connect ECONNREFUSED 10.96.4.20:5432')?.target).toBe('10.96.4.20:5432');
    expect(dependencyTarget('dial tcp: lookup rabbitmq.shop.svc.cluster.local on 10.96.0.10:53: no such host')).toBe('rabbitmq.shop.svc.cluster.local');
    expect(dependencyTarget('connection to server at "orders-db" (10.96.41.7), port 5432 failed: Connection refused')).toBe('orders-db:5432');
  });

  it('ignores lines too long to be a message', () => {
    expect(classifyLog(`${'x'.repeat(5000)} connection refused`)).toBeUndefined();
  });
});

describe('heapGrowth', () => {
  it('sees figures that only grow by half or more', () => {
    const g = heapGrowth('heap=100Mi\nheap=120Mi\nheap=150Mi\nheap=190Mi\n');
    expect(g).toMatchObject({ from: 100 * 2 ** 20, to: 190 * 2 ** 20, first: 'heap=100Mi', last: 'heap=190Mi' });
  });

  it('does not see growth in a heap that shrinks or stays flat', () => {
    expect(heapGrowth('heap=100Mi\nheap=180Mi\nheap=90Mi\nheap=200Mi\n')).toBeUndefined();
    expect(heapGrowth('heap=100Mi\nheap=101Mi\nheap=102Mi\nheap=103Mi\n')).toBeUndefined();
    expect(heapGrowth('heap=100Mi\nheap=300Mi\n')).toBeUndefined();
  });
});

describe('the quoted line', () => {
  it('is a message, not a field of the error object printed after it', () => {
    const text = "Error: EACCES: permission denied, mkdir '/var/lib/uploader/cache'\n    at async ensureDirs (/app/dist/storage.js:22:5) {\n  errno: -13,\n  code: 'EACCES',\n}\n";
    expect(classifyLog(text)?.line).toBe("Error: EACCES: permission denied, mkdir '/var/lib/uploader/cache'");
  });

  it('is the root cause a Java stack trace names last', () => {
    const text = 'org.springframework.beans.factory.BeanCreationException: Error creating bean with name dataSource\nCaused by: java.net.ConnectException: Connection refused (Connection refused)\n';
    expect(classifyLog(text)?.line).toBe('Caused by: java.net.ConnectException: Connection refused (Connection refused)');
  });
});

describe('escapeRegExp', () => {
  it('makes a name from the input match only itself inside a pattern', () => {
    const pattern = new RegExp(`^Container ${escapeRegExp('app.v2(+)')} failed`);
    expect(pattern.test('Container app.v2(+) failed')).toBe(true);
    expect(pattern.test('Container appXv2(+) failed')).toBe(false);
  });
});
