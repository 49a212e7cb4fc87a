import TokenSimulationModule from 'bpmn-js-token-simulation/lib/modeler';
import 'bpmn-js-token-simulation/assets/css/bpmn-js-token-simulation.css';

/**
 * Token simulation (bpmn-js-token-simulation) to walk a process in the designer before
 * deploying it. The designer page adds `simulationModules` to its Modeler's
 * `additionalModules` and renders `SimulationToggle` (versions/SimulationToggle.tsx), a
 * labelled, keyboard-reachable switch; the library's own canvas toggle is hidden by
 * versions/versions.css because it is a mouse-only, English-only div.
 */
export const simulationModules = [TokenSimulationModule];

const TOGGLE_MODE_EVENT = 'tokenSimulation.toggleMode';

interface ToggleMode {
  toggleMode(active?: boolean): void;
  _active: boolean;
}

interface EventBusLike {
  on(event: string, callback: (event: { active: boolean }) => void): void;
  off(event: string, callback: (event: { active: boolean }) => void): void;
}

/** Anything with a didi injector that may hold the simulation (a Modeler built with simulationModules). */
export interface InjectorLike {
  get<T>(name: string, strict?: boolean): T;
}

function toggleModeOf(modeler: InjectorLike): ToggleMode | null {
  return modeler.get<ToggleMode | null>('toggleMode', false) ?? null;
}

export function hasSimulation(modeler: InjectorLike): boolean {
  return toggleModeOf(modeler) !== null;
}

export function isSimulating(modeler: InjectorLike): boolean {
  return toggleModeOf(modeler)?._active ?? false;
}

/** Switches between editing and simulating; editing is locked while the simulation runs. */
export function setSimulating(modeler: InjectorLike, active: boolean): void {
  toggleModeOf(modeler)?.toggleMode(active);
}

/** Calls `listener` whenever the mode changes (also through the library's keyboard shortcut). */
export function onSimulationToggle(modeler: InjectorLike, listener: (active: boolean) => void): () => void {
  const eventBus = modeler.get<EventBusLike>('eventBus');
  const callback = (event: { active: boolean }) => listener(event.active);
  eventBus.on(TOGGLE_MODE_EVENT, callback);
  return () => eventBus.off(TOGGLE_MODE_EVENT, callback);
}
