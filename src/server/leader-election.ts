/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package does it,
 * so that of several watch replicas only one raises incidents. A lease is taken when it is free or
 * when its holder has not renewed it for its duration, judged by our own clock from the moment we
 * last saw it change (never by comparing clocks across machines); every write carries the
 * resourceVersion it read, so two candidates cannot both win.
 */
import { ApiError, type ApiClient } from '../sources/live/api-client.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  /** This candidate's name, unique among replicas (the pod name, with a suffix). */
  identity: string;
  leaseDurationMs?: number;
  /** A leader that cannot renew within this gives up leadership. */
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: LeaseSpec;
}

/** MicroTime, as the Lease's times are written. */
const microTime = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private observed: { spec: string; at: number } | undefined;
  private lastRenewed = 0;
  private readonly durationMs: number;

  constructor(private readonly client: ApiClient, private readonly options: LeaderElectionOptions) {
    this.durationMs = options.leaseDurationMs ?? 15_000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    void this.tick();
  }

  /** Stops trying; a leader releases the lease so a follower takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.read();
      if (lease?.spec.holderIdentity === this.options.identity) {
        await this.write({ ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } });
      }
    } catch {
      // The lease expires by itself.
    }
    this.options.onStoppedLeading();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (await this.tryAcquireOrRenew()) {
        this.lastRenewed = Date.now();
        if (!this.leading) {
          this.leading = true;
          this.options.onStartedLeading();
        }
      } else if (this.leading && Date.now() - this.lastRenewed > (this.options.renewDeadlineMs ?? 10_000)) {
        this.loseLeadership();
      }
    } catch {
      if (this.leading && Date.now() - this.lastRenewed > (this.options.renewDeadlineMs ?? 10_000)) this.loseLeadership();
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.options.retryPeriodMs ?? 2_000);
  }

  private loseLeadership(): void {
    this.leading = false;
    this.options.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const mine: LeaseSpec = { holderIdentity: this.options.identity, leaseDurationSeconds: Math.ceil(this.durationMs / 1000), renewTime: microTime(now) };
    const lease = await this.read();
    if (!lease) return this.won(() => this.create({ ...mine, acquireTime: microTime(now), leaseTransitions: 0 }));
    const spec = JSON.stringify(lease.spec);
    if (this.observed?.spec !== spec) this.observed = { spec, at: Date.now() };
    const holder = lease.spec.holderIdentity ?? '';
    const held = holder !== '' && holder !== this.options.identity;
    const expiresMs = (lease.spec.leaseDurationSeconds ?? 15) * 1000;
    if (held && this.observed.at + expiresMs > Date.now()) return false;
    const taking = holder !== this.options.identity;
    const next: LeaseSpec = taking
      ? { ...mine, acquireTime: microTime(now), leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 }
      : { ...lease.spec, ...mine };
    return this.won(() => this.write({ ...lease, spec: next }));
  }

  /** Runs a write that takes or keeps the lease; a 409 means another candidate wrote first and holds it now. */
  private async won(write: () => Promise<void>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 409)) return false;
      throw err;
    }
  }

  private path(name?: string): string {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.options.namespace)}/leases`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  private async read(): Promise<Lease | undefined> {
    try {
      return await this.client.getJson<Lease>(this.path(this.options.name));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  private async create(spec: LeaseSpec): Promise<void> {
    await this.client.writeJson('POST', this.path(), { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.options.name, namespace: this.options.namespace }, spec });
  }

  private async write(lease: Lease): Promise<void> {
    await this.client.writeJson('PUT', this.path(lease.metadata.name), lease);
  }
}
