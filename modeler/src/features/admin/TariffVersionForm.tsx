import { useState } from 'preact/hooks';
import { api, ApiError } from '../../lib/api';
import { useT, type Translate } from '../../lib/i18n';
import { failure } from './names';
import { fieldErrors, fundName, withVersion, type Tariff, type TariffVersion } from './tariffs';

const PERIODS = ['sharp', 'peak', 'flat', 'valley', 'deepValley'] as const;
const TIERS = ['tier1', 'tier2', 'tier3'] as const;
type Draft = Record<string, unknown>;

function at(draft: Draft, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], draft);
}

/** A copy of `draft` with `value` at `path`; an empty optional value removes the key (absent, not ""). */
function put(draft: Draft, path: string[], value: unknown, optional: boolean): Draft {
  const copy = structuredClone(draft);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (optional && value === '') delete node[last];
  else node[last] = value;
  return copy;
}

/**
 * A new version of a tariff, started from a copy of one of its versions, or a scheduled version
 * edited in place (`replacing`). The server validates it with the tariff schema; each refusal is
 * shown at its field, in the reader's language, and nothing is saved.
 */
export function TariffVersionForm(props: {
  tariff: Tariff;
  from: TariffVersion;
  replacing?: string;
  onClose: () => void;
  onSaved: (tariff: Tariff, effectiveFrom: string) => void;
}) {
  const t = useT();
  const [draft, setDraft] = useState<Draft>(() => {
    const copy = structuredClone(props.from) as Draft;
    delete copy.effectiveTo;
    if (!props.replacing) copy.effectiveFrom = '';
    return copy;
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setRefusal(null);
    const { body, index } = withVersion(props.tariff, draft, props.replacing);
    try {
      const saved = await api.put<Tariff>(`/tariffs/${encodeURIComponent(props.tariff.code)}`, body);
      props.onSaved(saved, String(draft.effectiveFrom));
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        setErrors(fieldErrors(t, err.details, index));
        setRefusal(t('admin.tariff.refused'));
      } else setRefusal(failure(err));
    } finally {
      setBusy(false);
    }
  }

  const field = (path: string[], label: string, unit: string, optional = false) => (
    <Field
      key={path.join('.')}
      path={path}
      label={label}
      unit={unit}
      value={at(draft, path)}
      error={errors[path.join('.')]}
      onInput={(value) => setDraft((d) => put(d, path, value, optional))}
    />
  );

  const v = props.from;
  return (
    <form class="tariff-form" noValidate onSubmit={(e) => void submit(e)} aria-labelledby="tariff-form-title">
      <h3 id="tariff-form-title">
        {props.replacing
          ? t('admin.tariff.editTitle', { from: props.replacing })
          : t('admin.tariff.newTitle', { from: v.effectiveFrom })}
      </h3>
      <div class="tariff-form-grid">
        <Field
          path={['effectiveFrom']}
          label={t('admin.tariff.effectiveFrom')}
          unit=""
          type="date"
          value={draft.effectiveFrom}
          error={errors.effectiveFrom}
          onInput={(value) => setDraft((d) => ({ ...d, effectiveFrom: value }))}
        />
      </div>
      <p class="hint">{t('admin.tariff.effectiveHint')}</p>
      {v.kind === 'residential-tiered' && <ResidentialFields t={t} v={v} field={field} />}
      {v.kind !== 'residential-tiered' && (
        <fieldset>
          <legend>{t('admin.tariff.energyPrices')}</legend>
          <div class="tariff-form-grid">
            {PERIODS.map((p) =>
              field(['energyPrices', p], t(`admin.tariff.period.${p}`), t('admin.tariff.unit.perKwh'), p !== 'flat'),
            )}
          </div>
          <p class="hint">{t('admin.tariff.optionalPeriods')}</p>
        </fieldset>
      )}
      {v.kind === 'two-part' && (
        <fieldset>
          <legend>{t('admin.tariff.basicCharge')}</legend>
          <div class="tariff-form-grid">
            {field(
              ['basicCharge', 'capacityPricePerKvaMonth'],
              t('admin.tariff.capacityPrice'),
              t('admin.tariff.unit.perKvaMonth'),
            )}
            {field(
              ['basicCharge', 'demandPricePerKwMonth'],
              t('admin.tariff.demandPrice'),
              t('admin.tariff.unit.perKwMonth'),
            )}
          </div>
        </fieldset>
      )}
      {v.funds.length > 0 && (
        <fieldset>
          <legend>{t('admin.tariff.funds')}</legend>
          <div class="tariff-form-grid">
            {v.funds.map((f, i) =>
              field(['funds', String(i), 'perKwh'], fundName(t, f.name), t(`admin.tariff.unit.${f.unit}PerKwh`)),
            )}
          </div>
        </fieldset>
      )}
      {refusal && (
        <p role="alert" class="form-error">
          {refusal}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" onClick={props.onClose}>
          {t('admin.cancel')}
        </button>
        <button type="submit" class="primary" disabled={busy}>
          {t('admin.tariff.saveVersion')}
        </button>
      </div>
    </form>
  );
}

type FieldMaker = (path: string[], label: string, unit: string, optional?: boolean) => preact.JSX.Element;

function ResidentialFields({
  t,
  v,
  field,
}: {
  t: Translate;
  v: Extract<TariffVersion, { kind: 'residential-tiered' }>;
  field: FieldMaker;
}) {
  const kwh = t(`admin.tariff.unit.kwhPer.${v.tierPeriod}`);
  const rows = (['flat', 'touPeak', 'touValley'] as const).filter((row) => v.prices[row] !== undefined);
  return (
    <>
      <fieldset>
        <legend>{t('admin.tariff.thresholds')}</legend>
        <div class="tariff-form-grid">
          {field(['thresholdsKwh', 't1'], t('admin.tariff.t1'), kwh)}
          {field(['thresholdsKwh', 't2'], t('admin.tariff.t2'), kwh)}
        </div>
      </fieldset>
      {rows.map((row) => (
        <fieldset key={row}>
          <legend>{t(`admin.tariff.price.${row}`)}</legend>
          <div class="tariff-form-grid">
            {TIERS.map((tier) =>
              field(
                ['prices', row, tier],
                t('admin.tariff.tierPrice', { tier: t(`admin.tariff.${tier}`), row: t(`admin.tariff.price.${row}`) }),
                t('admin.tariff.unit.perKwh'),
              ),
            )}
          </div>
        </fieldset>
      ))}
    </>
  );
}

function Field(props: {
  path: string[];
  label: string;
  unit: string;
  value: unknown;
  error: string | undefined;
  type?: 'date' | 'text';
  onInput: (value: string) => void;
}) {
  const id = `tariff-field-${props.path.join('-')}`;
  return (
    <div class="tariff-field">
      <label for={id}>{props.label}</label>
      <span class="tariff-input">
        <input
          id={id}
          type={props.type ?? 'text'}
          inputMode={props.type === 'date' ? undefined : 'decimal'}
          value={typeof props.value === 'string' || typeof props.value === 'number' ? String(props.value) : ''}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={props.error ? `${id}-error` : undefined}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
        {props.unit && <span class="unit">{props.unit}</span>}
      </span>
      {props.error && (
        <span class="field-error" id={`${id}-error`}>
          {props.error}
        </span>
      )}
    </div>
  );
}
