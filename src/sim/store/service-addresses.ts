/**
 * Allocation of Service cluster IPs (10.96.0.0/12, the kubeadm default) and node ports
 * (30000-32767). `10.96.0.1` is the `kubernetes` Service's, as on every cluster.
 */
import { invalidValue, type FieldError } from './field-error.js';

const BASE = ipToNumber('10.96.0.0');
const SIZE = 1 << 20;
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

/** Hands out cluster IPs and node ports, and takes them back when a Service goes. */
export class ServiceAddresses {
  // 10.96.0.1 is never handed out automatically (allocation starts at .10 and wraps to .2): the `kubernetes` Service asks for it.
  private readonly ips = new Set<string>();
  private readonly ports = new Set<number>();
  private nextIp = 10;
  private nextPort = NODE_PORT_MIN;

  /** Reserves the IP asked for (an error if taken or outside the range) or the next free one. */
  allocateIp(requested: string | undefined): string | FieldError {
    if (requested) {
      const n = ipToNumber(requested);
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(requested) || n < BASE || n >= BASE + SIZE) {
        return invalidValue('spec.clusterIPs', [requested], 'failed to allocate IP ' + requested + ': the provided IP (' + requested + ') is not in the valid range. The range of valid IPs is 10.96.0.0/12');
      }
      if (this.ips.has(requested)) return invalidValue('spec.clusterIPs', [requested], `failed to allocate IP ${requested}: provided IP is already allocated`);
      this.ips.add(requested);
      return requested;
    }
    for (let tries = 0; tries < SIZE; tries++) {
      const ip = numberToIp(BASE + this.nextIp);
      this.nextIp = (this.nextIp + 1) % SIZE || 2;
      if (!this.ips.has(ip)) {
        this.ips.add(ip);
        return ip;
      }
    }
    return invalidValue('spec.clusterIPs', [], 'failed to allocate IP: range is full');
  }

  /** Reserves a node port (the one asked for, or the next free one). */
  allocatePort(requested: number | undefined, field: string): number | FieldError {
    if (requested !== undefined) {
      if (requested < NODE_PORT_MIN || requested > NODE_PORT_MAX) {
        return invalidValue(field, requested, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`);
      }
      if (this.ports.has(requested)) return invalidValue(field, requested, 'provided port is already allocated');
      this.ports.add(requested);
      return requested;
    }
    for (let p = 0; p <= NODE_PORT_MAX - NODE_PORT_MIN; p++) {
      const port = this.nextPort;
      this.nextPort = port >= NODE_PORT_MAX ? NODE_PORT_MIN : port + 1;
      if (!this.ports.has(port)) {
        this.ports.add(port);
        return port;
      }
    }
    return invalidValue(field, 0, 'range is full');
  }

  /** Frees what a deleted Service held. */
  release(ip: unknown, nodePorts: readonly unknown[]): void {
    if (typeof ip === 'string') this.ips.delete(ip);
    for (const p of nodePorts) if (typeof p === 'number') this.ports.delete(p);
  }
}
