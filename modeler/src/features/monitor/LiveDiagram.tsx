import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatDateTime, useT } from '../../lib/i18n';
import { formatDuration, monitoringApi, type ElementFigures, type Filters } from './api';
import { ProcessDiagram, type ElementMark } from './ProcessDiagram';

type Mode = 'waiting' | 'working';
type Stat = 'avgMs' | 'p90Ms';

/**
 * The live diagram (issue 8 §2): tokens waiting now on every step, a heat of average or p90
 * duration — waiting to be claimed or being worked on — and, on click, the instances waiting there.
 */
export function LiveDiagram({
  xml,
  elements,
  filters,
  departmentName,
}: {
  xml: string;
  elements: ElementFigures[];
  filters: Filters;
  departmentName: (id: string) => string;
}) {
  const t = useT();
  const [mode, setMode] = useState<Mode>('working');
  const [stat, setStat] = useState<Stat>('avgMs');
  const [selected, setSelected] = useState<{ id: string; name: string } | null>(null);
  const [instances, setInstances] = useState<Awaited<ReturnType<typeof monitoringApi.elementInstances>>['items']>([]);

  const marks = useMemo(() => {
    // Waiting is a user-task notion; "working" of other steps is their whole duration.
    const value = (e: ElementFigures) =>
      mode === 'waiting' ? (e.userTask ? e.waiting[stat] : null) : (e.userTask ? e.working : e.duration)[stat];
    const max = Math.max(1, ...elements.map((e) => value(e) ?? 0));
    const result = new Map<string, ElementMark>();
    for (const e of elements) {
      const v = value(e);
      result.set(e.elementId, {
        tokens: e.tokens,
        heat: v === null ? null : v / max,
        title: `${e.name}: ${formatDuration(v)}`,
      });
    }
    return result;
  }, [elements, mode, stat]);

  const tokensKey = elements.map((e) => `${e.elementId}:${e.tokens}`).join(',');
  useEffect(() => {
    if (!selected) return;
    monitoringApi
      .elementInstances(filters, selected.id)
      .then((r) => setInstances(r.items))
      .catch(() => setInstances([]));
  }, [selected, filters, tokensKey]);

  return (
    <section class="monitor-card" aria-labelledby="monitor-diagram">
      <h2 id="monitor-diagram">{t('monitor.diagram')}</h2>
      <div class="monitor-toolbar">
        <fieldset>
          <legend>{t('monitor.heat.mode')}</legend>
          {(['waiting', 'working'] as Mode[]).map((m) => (
            <label key={m}>
              <input type="radio" name="heat-mode" checked={mode === m} onChange={() => setMode(m)} />
              {t(`monitor.heat.${m}`)}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('monitor.heat.stat')}</legend>
          {(['avgMs', 'p90Ms'] as Stat[]).map((s) => (
            <label key={s}>
              <input type="radio" name="heat-stat" checked={stat === s} onChange={() => setStat(s)} />
              {t(s === 'avgMs' ? 'monitor.heat.avg' : 'monitor.heat.p90')}
            </label>
          ))}
        </fieldset>
        <p class="hint">{t('monitor.diagram.hint')}</p>
      </div>
      <ProcessDiagram
        xml={xml}
        marks={marks}
        label={t('monitor.diagram.label')}
        onSelect={(id, name) => setSelected({ id, name })}
      />
      {selected && (
        <div class="table-wrap" data-testid="element-instances">
          <table class="grid">
            <caption>{t('monitor.element.instances', { name: selected.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('monitor.col.businessKey')}</th>
                <th scope="col">{t('monitor.col.department')}</th>
                <th scope="col">{t('monitor.col.since')}</th>
                <th scope="col">{t('monitor.col.assignee')}</th>
                <th scope="col">{t('monitor.col.due')}</th>
              </tr>
            </thead>
            <tbody>
              {instances.length === 0 && (
                <tr>
                  <td colSpan={5} class="empty">
                    {t('monitor.element.none')}
                  </td>
                </tr>
              )}
              {instances.map((i) => (
                <tr key={i.instanceId}>
                  <th scope="row">
                    <a href={`#/monitor/instances/${i.instanceId}`}>{i.businessKey ?? i.instanceId.slice(0, 8)}</a>
                  </th>
                  <td>{i.departmentId ? departmentName(i.departmentId) : '—'}</td>
                  <td>{formatDateTime(i.startedAt)}</td>
                  <td>{i.assignee ?? '—'}</td>
                  <td>{formatDateTime(i.dueAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
