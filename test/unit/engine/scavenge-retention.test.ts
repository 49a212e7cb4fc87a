import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Engine } from 'bpmn-engine';
import { describe, expect, it } from 'vitest';
import { leanApis } from '../../../server/engine/lean-apis.js';
import { loadedDefinition } from '../../support/engine-definition.js';

/**
 * A finished step's engine must be garbage to V8's young-generation collector too. bpmn-elements
 * added a closure to every Api it answered, and the step kept its listener and error handler as
 * closures assigned to a long-lived object; either way the scavenger kept the whole engine (~5 MB
 * for acceptance of a new connection) until the next full collection, and that copying was about
 * two thirds of a recovered step's CPU. lean-apis.ts and runtime.ts's StepListener and StepRelay
 * hold the same things in fields instead.
 */
const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"`;
const PARALLEL = `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions ${NS} id="d" targetNamespace="http://x">
<bpmn:process id="p" isExecutable="true">
  <bpmn:startEvent id="start"/>
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork"/>
  <bpmn:parallelGateway id="fork"/>
  <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="a"/>
  <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="b"/>
  <bpmn:sequenceFlow id="f4" sourceRef="fork" targetRef="sub"/>
  <bpmn:userTask id="a"/>
  <bpmn:userTask id="b"/>
  <bpmn:sequenceFlow id="f5" sourceRef="fork" targetRef="many"/>
  <bpmn:userTask id="many">
    <bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>
  </bpmn:userTask>
  <bpmn:subProcess id="sub">
    <bpmn:startEvent id="subStart"/>
    <bpmn:sequenceFlow id="s1" sourceRef="subStart" targetRef="inner"/>
    <bpmn:userTask id="inner"/>
  </bpmn:subProcess>
</bpmn:process></bpmn:definitions>`;

type Api = { id: string; executionId: string; getExecuting?: () => Api[] };
type Execution = { getApi(message?: unknown): Api };
const ids = (apis: Api[] | undefined) => (apis ?? []).map((a) => a.id).sort();
/** An Api's data fields (the library's own getExecuting property aside). */
const fields = (api: Api) => Object.fromEntries(Object.entries(api).filter(([key]) => key !== 'getExecuting'));

describe('bpmn-elements Api objects without a closure each', () => {
  it('replaces the library getApi it was written against', () => {
    expect(leanApis.applied).toBe(true);
  });

  it('answers getExecuting as the library does, for the definition, the process and an activity', async () => {
    const definition = await loadedDefinition(PARALLEL);
    const engine = new Engine({ name: 'p', sourceContext: definition.sourceContext } as never);
    await engine.execute();
    const [loaded] = (engine.execution as unknown as { definitions: { execution: Execution }[] }).definitions;
    const definitionExecution = loaded!.execution;

    const lean = definitionExecution.getApi();
    const library = leanApis.originals.definition.call(definitionExecution as never) as Api;
    expect(lean).toBeInstanceOf(leanApis.DefinitionExecutionApi);
    expect(fields(lean)).toEqual(fields(library));
    expect(ids(lean.getExecuting!())).toEqual(['p']);
    expect(ids(lean.getExecuting!())).toEqual(ids(library.getExecuting!()));

    const processApi = lean.getExecuting!()[0]!;
    expect(processApi).toBeInstanceOf(leanApis.ProcessExecutionApi);
    expect(ids(processApi.getExecuting!())).toEqual(['a', 'b', 'many', 'sub']);

    const library2 = leanApis.originals.process.call(
      (processApi as unknown as { owner: { execution: never } }).owner.execution,
      processApi as never,
    ) as Api;
    expect(ids(processApi.getExecuting!())).toEqual(ids(library2.getExecuting!()));

    // Activities: the multi-instance task's iterations, and the sub-process.
    for (const id of ['many', 'sub']) {
      const api = processApi.getExecuting!().find((a) => a.id === id)!;
      const execution = (api as unknown as { owner: { execution: Execution } }).owner.execution;
      const leanActivity = execution.getApi();
      const libraryActivity = leanApis.originals.activity.call(execution as never) as Api;
      expect(leanActivity).toBeInstanceOf(leanApis.ActivityExecutionApi);
      expect(fields(leanActivity)).toEqual(fields(libraryActivity));
      expect(ids(leanActivity.getExecuting!())).toEqual(ids(libraryActivity.getExecuting!()));
      // The three iterations of the multi-instance task; the sub-process's own execution has none.
      expect(leanActivity.getExecuting!().length).toBe(id === 'many' ? 3 : 0);
    }
  });

  it('leaves a finished step of acceptance (new connection) to the scavenger', async () => {
    const child = fileURLToPath(new URL('./scavenge-retention.child.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--min-semi-space-size=128', '--max-semi-space-size=128', '--import', 'tsx', child],
      { cwd: fileURLToPath(new URL('../../..', import.meta.url)), timeout: 120_000 },
    );
    const { promotedPerStepBytes } = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      promotedPerStepBytes: number;
    };
    // With the closures the whole engine survived: ~5.1 MB a step; without them ~0.3 MB.
    expect(promotedPerStepBytes).toBeLessThan(1_500_000);
  }, 150_000);
});
