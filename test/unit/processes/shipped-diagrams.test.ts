import { describe, expect, it } from 'vitest';
import BpmnModdle, { type ModdleElement } from 'bpmn-moddle';
import camundaPackage from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { BUILTIN_ROLES } from '../../../permissions/roles.js';
import { lintXml } from '../../../server/lint/runner.js';
import { readCatalogue } from '../../../server/processes/catalogue.js';
import { arrearsServices } from '../../../server/processes/arrears/services.js';
import { billingServices } from '../../../server/processes/billing/services.js';
import { changeServices } from '../../../server/processes/changes/services.js';
import { connectionServices } from '../../../server/processes/connection/services.js';
import { meteringServices } from '../../../server/processes/metering/services.js';
import { riskProvinceServices } from '../../../server/processes/risk/province-services.js';
import { riskServices } from '../../../server/processes/risk/services.js';
import type { ProcessContext } from '../../../server/processes/ports.js';
import { notifyCustomerService } from '../../../server/notifications/notify-customer.service.js';
import { coreServices } from '../../../server/services/registry.js';

/**
 * A shipped diagram is the first thing a designer opens and the picture the worklist and the
 * monitor draw: every one passes the platform's own lint (the designer's and the deploy's
 * configuration, server/lint/config.ts) without a single warning, and no flow is drawn across a
 * shape it does not connect.
 */
const catalogue = await readCatalogue();
// The factories only keep the context for when a service runs; listing their names needs none.
const ctx = {} as ProcessContext;
const services = [
  ...coreServices,
  ...billingServices(ctx),
  ...arrearsServices(ctx),
  ...riskServices(ctx),
  ...riskProvinceServices(ctx),
  ...connectionServices(ctx),
  ...meteringServices(ctx),
  ...changeServices(ctx),
  notifyCustomerService(null as never, null as never),
].map((s) => s.name);
const data = {
  services,
  roles: BUILTIN_ROLES.map((r) => r.code),
  users: [],
  forms: catalogue.forms.map((f) => (JSON.parse(f.text) as { id: string }).id),
};
const files = catalogue.processes.map((p) => [p.file, p.text] as const);

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Shapes by element id and edges' waypoints with their flow's source and target ids. */
async function drawing(xml: string) {
  const { rootElement } = await new BpmnModdle({ camunda: camundaPackage }).fromXML(xml);
  const shapes = new Map<string, { box: Box; host?: string }>();
  const edges: { id: string; ends: string[]; points: { x: number; y: number }[] }[] = [];
  for (const diagram of (rootElement.diagrams as ModdleElement[]) ?? []) {
    for (const di of ((diagram.plane as ModdleElement).planeElement as ModdleElement[]) ?? []) {
      const element = di.bpmnElement as ModdleElement;
      if (di.$type === 'bpmndi:BPMNShape') {
        const host = (element.attachedToRef as ModdleElement | undefined)?.id as string | undefined;
        shapes.set(element.id as string, { box: di.bounds as unknown as Box, host });
      } else if (di.$type === 'bpmndi:BPMNEdge') {
        const ends = [element.sourceRef, element.targetRef].map((e) => (e as ModdleElement).id as string);
        edges.push({ id: element.id as string, ends, points: di.waypoint as unknown as { x: number; y: number }[] });
      }
    }
  }
  return { shapes, edges };
}

const inside = (p: { x: number; y: number }, b: Box) =>
  p.x > b.x + 1 && p.x < b.x + b.width - 1 && p.y > b.y + 1 && p.y < b.y + b.height - 1;

describe('processes/: the shipped diagrams', () => {
  it.each(files)('%s has no lint finding, not even a warning', async (_file, xml) => {
    const issues = await lintXml(xml, data);
    expect(issues.map((i) => `${i.severity} ${i.rule} ${i.elementId}: ${i.message}`)).toEqual([]);
  });

  it.each(files)('%s draws no flow across a shape it does not connect', async (_file, xml) => {
    const { shapes, edges } = await drawing(xml);
    const crossings: string[] = [];
    for (const edge of edges) {
      // A flow may leave a boundary event over the task it is attached to.
      const own = new Set(edge.ends.flatMap((id) => [id, shapes.get(id)?.host ?? id]));
      // A flow inside an expanded sub-process runs over its container.
      const containers = [...shapes].filter(([, { box }]) => edge.points.every((p) => inside(p, box)));
      for (const [id] of containers) own.add(id);
      for (let i = 1; i < edge.points.length; i++) {
        const [a, b] = [edge.points[i - 1]!, edge.points[i]!];
        const steps = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 2));
        for (let s = 0; s <= steps; s++) {
          const p = { x: a.x + ((b.x - a.x) * s) / steps, y: a.y + ((b.y - a.y) * s) / steps };
          for (const [id, { box }] of shapes) {
            if (!own.has(id) && inside(p, box) && !crossings.includes(`${edge.id} × ${id}`))
              crossings.push(`${edge.id} × ${id}`);
          }
        }
      }
    }
    expect(crossings).toEqual([]);
  });
});
