/**
 * Tables of the workload kinds and their autoscalers (`printDeployment`, `printReplicaSet`,
 * `printStatefulSet`, `printDaemonSet`, `printJob`, `printCronJob`, `printHorizontalPodAutoscaler`,
 * `printPodDisruptionBudget`).
 */
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { HorizontalPodAutoscaler as HpaV1 } from 'kubernetes-types/autoscaling/v1.js';
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from 'kubernetes-types/autoscaling/v2.js';
import type { CronJob, Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { FIELD_DOCS } from './descriptions.js';
import {
  AGE_COLUMN, boolPointer, containerCells, CONTAINERS_COLUMN, formatLabels, formatLabelSelector, IMAGES_COLUMN,
  intOrString, NAME_COLUMN, quantity, selectorString,
} from './format.js';
import { age, humanDuration, parseTime, since } from './human-duration.js';
import { column } from './types.js';
import type { Cell, Printer } from './types.js';

export const DEPLOYMENT_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', FIELD_DOCS.deployUpdated),
    column('Available', 'string', FIELD_DOCS.deployAvailable),
    AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN,
    column('Selector', 'string', FIELD_DOCS.deploySelector, { priority: 1 }),
  ],
  row(object, now) {
    const d = object as Deployment;
    const status = d.status ?? {};
    return {
      cells: [
        d.metadata?.name ?? '', `${status.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`, status.updatedReplicas ?? 0,
        status.availableReplicas ?? 0, age(d, now), ...containerCells(d.spec?.template.spec?.containers),
        selectorString(d.spec?.selector) ?? '<invalid>',
      ],
    };
  },
};

export const REPLICA_SET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', FIELD_DOCS.rsSpecReplicas),
    column('Current', 'integer', FIELD_DOCS.rsStatusReplicas),
    column('Ready', 'integer', FIELD_DOCS.rsReadyReplicas),
    AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN,
    column('Selector', 'string', FIELD_DOCS.rsSelector, { priority: 1 }),
  ],
  row(object, now) {
    const rs = object as ReplicaSet;
    return {
      cells: [
        rs.metadata?.name ?? '', rs.spec?.replicas ?? 1, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0,
        age(rs, now), ...containerCells(rs.spec?.template?.spec?.containers), formatLabelSelector(rs.spec?.selector),
      ],
    };
  },
};

export const STATEFUL_SET_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Ready', 'string', 'Number of the pod with ready state'), AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN],
  row(object, now) {
    const sts = object as StatefulSet;
    return {
      cells: [
        sts.metadata?.name ?? '', `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 1}`, age(sts, now),
        ...containerCells(sts.spec?.template.spec?.containers),
      ],
    };
  },
};

export const DAEMON_SET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', FIELD_DOCS.dsDesired),
    column('Current', 'integer', FIELD_DOCS.dsCurrent),
    column('Ready', 'integer', FIELD_DOCS.dsReady),
    column('Up-to-date', 'integer', FIELD_DOCS.dsUpdated),
    column('Available', 'integer', FIELD_DOCS.dsAvailable),
    column('Node Selector', 'string', FIELD_DOCS.nodeSelector),
    AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN,
    column('Selector', 'string', FIELD_DOCS.dsSelector, { priority: 1 }),
  ],
  row(object, now) {
    const ds = object as DaemonSet;
    const s = ds.status;
    return {
      cells: [
        ds.metadata?.name ?? '', s?.desiredNumberScheduled ?? 0, s?.currentNumberScheduled ?? 0, s?.numberReady ?? 0,
        s?.updatedNumberScheduled ?? 0, s?.numberAvailable ?? 0, formatLabels(ds.spec?.template.spec?.nodeSelector),
        age(ds, now), ...containerCells(ds.spec?.template.spec?.containers), formatLabelSelector(ds.spec?.selector),
      ],
    };
  },
};

function jobCondition(conditions: readonly JobCondition[] | undefined, type: string): boolean {
  return conditions?.find((c) => c.type === type)?.status === 'True';
}

/** Complete, Failed, Terminating, Suspended, FailureTarget or Running, in that precedence. */
function jobStatus(job: Job): string {
  const conditions = job.status?.conditions;
  if (jobCondition(conditions, 'Complete')) return 'Complete';
  if (jobCondition(conditions, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (jobCondition(conditions, 'Suspended')) return 'Suspended';
  if (jobCondition(conditions, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: Job, now: Date): string {
  const start = parseTime(job.status?.startTime);
  if (start === undefined) return '';
  const end = parseTime(job.status?.completionTime) ?? now.getTime();
  return humanDuration(end - start);
}

export const JOB_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', FIELD_DOCS.jobSucceeded),
    column('Duration', 'string', 'Time required to complete the job.'),
    AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN,
    column('Selector', 'string', FIELD_DOCS.jobSelector, { priority: 1 }),
  ],
  row(object, now) {
    const job = object as Job;
    return {
      cells: [
        job.metadata?.name ?? '', jobStatus(job), jobCompletions(job), jobDuration(job, now), age(job, now),
        ...containerCells(job.spec?.template.spec?.containers), formatLabelSelector(job.spec?.selector),
      ],
    };
  },
};

export const CRON_JOB_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Schedule', 'string', FIELD_DOCS.cronSchedule),
    column('Timezone', 'string', FIELD_DOCS.cronTimeZone),
    column('Suspend', 'boolean', FIELD_DOCS.cronSuspend),
    column('Active', 'integer', FIELD_DOCS.cronActive),
    column('Last Schedule', 'string', FIELD_DOCS.cronLastSchedule),
    AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN,
    column('Selector', 'string', FIELD_DOCS.jobSelector, { priority: 1 }),
  ],
  row(object, now) {
    const cj = object as CronJob;
    const lastSchedule = cj.status?.lastScheduleTime;
    return {
      cells: [
        cj.metadata?.name ?? '', cj.spec?.schedule ?? '', cj.spec?.timeZone ?? '<none>', boolPointer(cj.spec?.suspend),
        cj.status?.active?.length ?? 0, lastSchedule ? since(lastSchedule, now) : '<none>', age(cj, now),
        ...containerCells(cj.spec?.jobTemplate.spec?.template.spec?.containers),
        formatLabelSelector(cj.spec?.jobTemplate.spec?.selector),
      ],
    };
  },
};

/** One metric as `formatHPAMetrics` prints it: `cpu: 45%/80%`, `<unknown>` for a current value not yet read. */
function formatMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'Resource':
    case 'ContainerResource': {
      const source = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const current = spec.type === 'Resource' ? status?.resource?.current : status?.containerResource?.current;
      if (source === undefined) return '<unknown type>';
      if (source.target.averageValue !== undefined) {
        return `${source.name}: ${current?.averageValue ?? '<unknown>'}/${quantity(source.target.averageValue)}`;
      }
      const now = current?.averageUtilization === undefined ? '<unknown>' : `${current.averageUtilization}%`;
      const target = source.target.averageUtilization === undefined ? '<auto>' : `${source.target.averageUtilization}%`;
      return `${source.name}: ${now}/${target}`;
    }
    case 'Pods':
      return `${status?.pods?.current.averageValue ?? '<unknown>'}/${quantity(spec.pods?.target.averageValue)}`;
    case 'Object':
    case 'External': {
      const target = spec.type === 'Object' ? spec.object?.target : spec.external?.target;
      const current = spec.type === 'Object' ? status?.object?.current : status?.external?.current;
      if (target?.averageValue !== undefined) return `${current?.averageValue ?? '<unknown>'}/${target.averageValue} (avg)`;
      return `${current?.value ?? '<unknown>'}/${quantity(target?.value)}`;
    }
    default:
      return '<unknown type>';
  }
}

function formatMetrics(specs: readonly MetricSpec[], statuses: readonly MetricStatus[]): string {
  if (specs.length === 0) return '<none>';
  const all = specs.map((spec, i) => formatMetric(spec, statuses[i]));
  const shown = all.slice(0, 2).join(', ');
  return all.length > 2 ? `${shown} + ${all.length - 2} more...` : shown;
}

/** autoscaling/v1 keeps one CPU target; the apiserver converts it to a v2 Resource metric before printing. */
function metricsOf(hpa: HorizontalPodAutoscaler & HpaV1): { specs: MetricSpec[]; statuses: MetricStatus[] } {
  const v1 = hpa.spec as HpaV1['spec'] & HorizontalPodAutoscaler['spec'];
  if (v1?.targetCPUUtilizationPercentage === undefined) {
    return { specs: v1?.metrics ?? [], statuses: (hpa.status as HorizontalPodAutoscaler['status'])?.currentMetrics ?? [] };
  }
  const current = (hpa.status as HpaV1['status'])?.currentCPUUtilizationPercentage;
  return {
    specs: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: v1.targetCPUUtilizationPercentage } } }],
    statuses: current === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }],
  };
}

export const HPA_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Reference', 'string', FIELD_DOCS.hpaScaleTargetRef),
    column('Targets', 'string', FIELD_DOCS.hpaMetrics),
    column('MinPods', 'string', FIELD_DOCS.hpaMinReplicas),
    column('MaxPods', 'string', FIELD_DOCS.hpaMaxReplicas),
    column('Replicas', 'string', FIELD_DOCS.hpaCurrentReplicas),
    AGE_COLUMN,
  ],
  row(object, now) {
    const hpa = object as HorizontalPodAutoscaler & HpaV1;
    const { specs, statuses } = metricsOf(hpa);
    const target = hpa.spec?.scaleTargetRef;
    const cells: Cell[] = [
      hpa.metadata?.name ?? '', `${target?.kind ?? ''}/${target?.name ?? ''}`, formatMetrics(specs, statuses),
      hpa.spec?.minReplicas === undefined ? '<unset>' : String(hpa.spec.minReplicas), hpa.spec?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0, age(hpa, now),
    ];
    return { cells };
  },
};

export const PDB_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE_COLUMN,
  ],
  row(object, now) {
    const pdb = object as PodDisruptionBudget;
    const min = pdb.spec?.minAvailable;
    const max = pdb.spec?.maxUnavailable;
    return {
      cells: [
        pdb.metadata?.name ?? '', min === undefined ? 'N/A' : intOrString(min), max === undefined ? 'N/A' : intOrString(max),
        pdb.status?.disruptionsAllowed ?? 0, age(pdb, now),
      ],
    };
  },
};
