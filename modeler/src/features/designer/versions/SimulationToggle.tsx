import { useEffect, useState } from 'preact/hooks';
import { useT } from '../../../lib/i18n';
import './versions.css';
import { hasSimulation, isSimulating, onSimulationToggle, setSimulating, type InjectorLike } from '../simulation';

/**
 * The accessible switch for token simulation (a toggle button with aria-pressed). Pass the
 * Modeler built with `simulationModules`; renders nothing when the modeler lacks them.
 */
export function SimulationToggle({ modeler }: { modeler: InjectorLike | null }) {
  const t = useT();
  const [active, setActive] = useState(false);
  useEffect(() => {
    if (!modeler || !hasSimulation(modeler)) return undefined;
    setActive(isSimulating(modeler));
    return onSimulationToggle(modeler, setActive);
  }, [modeler]);
  if (!modeler || !hasSimulation(modeler)) return null;
  return (
    <>
      <button type="button" aria-pressed={active} onClick={() => setSimulating(modeler, !active)}>
        {t('designer.simulation.toggle')}
      </button>
      <span class="hint" role="status">
        {active ? t('designer.simulation.on') : t('designer.simulation.off')}
      </span>
    </>
  );
}
