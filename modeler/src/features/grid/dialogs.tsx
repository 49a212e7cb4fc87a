import { useEffect, useState } from 'preact/hooks';
import { Dialog } from '../../app/Dialog';
import { ApiError } from '../../lib/api';
import { useT } from '../../lib/i18n';
import type { AreaDetail, AreaSummary, PlacedMeter } from '../../../../server/grid/grid.contract';
import { gridApi } from './api';

/**
 * Moves a customer's meter into a box of another (or the same) transformer area: the public areas
 * of the user's departments with their spare capacity, then the area's boxes. The server checks
 * scope and capacity again; its refusal is shown in words.
 */
export function MoveDialog({
  meter,
  fromAreaId,
  onClose,
  onMoved,
}: {
  meter: PlacedMeter;
  fromAreaId: string;
  onClose: () => void;
  onMoved: (message: string, areaId: string) => void;
}) {
  const t = useT();
  const [areas, setAreas] = useState<AreaSummary[] | null>(null);
  const [areaId, setAreaId] = useState('');
  const [target, setTarget] = useState<AreaDetail | null>(null);
  const [boxId, setBoxId] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    gridApi
      .spare()
      .then((r) => setAreas(r.items.filter((a) => a.id !== fromAreaId)))
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [fromAreaId]);
  useEffect(() => {
    setTarget(null);
    setBoxId('');
    if (!areaId) return;
    gridApi
      .area(areaId)
      .then((a) => {
        setTarget(a);
        setBoxId(a.boxes[0]?.id ?? '');
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [areaId]);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const moved = await gridApi.move(meter.meterId, boxId, reason);
      const box = target?.boxes.find((b) => b.id === moved.to.meterBoxId)?.name ?? moved.to.meterBoxId;
      onMoved(
        t('grid.move.done', { name: meter.customerName, area: target?.name ?? moved.to.areaId, box }),
        moved.to.areaId,
      );
    } catch (err) {
      if (err instanceof ApiError && err.code === 'GRID_CAPACITY_EXCEEDED')
        setError(t('grid.move.capacity', { spare: String(err.extra.spareKva), needed: String(err.extra.neededKva) }));
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('grid.move.title', { name: meter.customerName })} onClose={onClose}>
      <form
        class="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label for="grid-move-area">{t('grid.move.area')}</label>
        <select id="grid-move-area" required value={areaId} onChange={(e) => setAreaId(e.currentTarget.value)}>
          <option value="" />
          {areas?.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} · {a.spareKva} / {a.ratedKva} kVA
            </option>
          ))}
        </select>
        <label for="grid-move-box">{t('grid.move.box')}</label>
        <select id="grid-move-box" required value={boxId} onChange={(e) => setBoxId(e.currentTarget.value)}>
          {target?.boxes.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
              {b.location ? ` · ${b.location}` : ''}
            </option>
          ))}
        </select>
        <label for="grid-move-reason">{t('grid.move.reason')}</label>
        <input
          id="grid-move-reason"
          required
          minLength={2}
          maxLength={500}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        {error && (
          <p role="alert" class="grid-error">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('grid.cancel')}
          </button>
          <button type="submit" class="primary" disabled={busy || !boxId}>
            {t('grid.move.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** `datetime-local` value (local wall clock) → an ISO instant. */
function instant(local: string): string {
  return new Date(local).toISOString();
}

/** A planned outage of an area or a feeder: window and reason; the answer's counts shown in words. */
export function OutageDialog({
  target,
  onClose,
}: {
  target: { type: 'area' | 'feeder'; id: string; name: string };
  onClose: () => void;
}) {
  const t = useT();
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const notice = await gridApi.outage({
        targetType: target.type,
        targetId: target.id,
        startsAt: instant(startsAt),
        endsAt: instant(endsAt),
        reason,
      });
      setDone(
        t('grid.outage.sent', { customers: notice.customers, sent: notice.sent, unsubscribed: notice.unsubscribed }),
      );
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('grid.outage.title', { name: target.name })} onClose={onClose}>
      {done ? (
        <>
          <p role="status" class="grid-ok">
            {done}
          </p>
          <div class="dialog-actions">
            <button type="button" class="primary" autoFocus onClick={onClose}>
              {t('grid.close')}
            </button>
          </div>
        </>
      ) : (
        <form
          class="dialog-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label for="grid-outage-start">{t('grid.outage.start')}</label>
          <input
            id="grid-outage-start"
            type="datetime-local"
            required
            value={startsAt}
            onInput={(e) => setStartsAt(e.currentTarget.value)}
          />
          <label for="grid-outage-end">{t('grid.outage.end')}</label>
          <input
            id="grid-outage-end"
            type="datetime-local"
            required
            min={startsAt || undefined}
            value={endsAt}
            onInput={(e) => setEndsAt(e.currentTarget.value)}
          />
          <label for="grid-outage-reason">{t('grid.outage.reason')}</label>
          <input
            id="grid-outage-reason"
            required
            minLength={2}
            maxLength={200}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          {error && (
            <p role="alert" class="grid-error">
              {error}
            </p>
          )}
          <div class="dialog-actions">
            <button type="button" onClick={onClose}>
              {t('grid.cancel')}
            </button>
            <button type="submit" class="primary" disabled={busy}>
              {t('grid.outage.submit')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
