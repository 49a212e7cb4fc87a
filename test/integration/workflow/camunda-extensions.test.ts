import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { completeAt, deploy, instance, openTasks, start } from '../../support/workflow.js';

const doc = (key: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="t">
  <process id="${key}" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="x" />
    ${body}
    <sequenceFlow id="f2" sourceRef="x" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;

/** Camunda 7 constructs that run without scripts: standard loops and expression listeners. */
describe.each(BACKENDS)('Camunda 7 extensions without scripts (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let designer: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    designer = await t.as('designer');
    clerk = await t.as('xh.clerk');
    await deploy(
      designer,
      doc(
        'reviewUntilApproved',
        `<userTask id="x" name="Review" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task">
           <extensionElements>
             <camunda:taskListener expression="\${approved}" event="complete" />
             <camunda:executionListener expression="\${approved}" event="end" />
           </extensionElements>
           <standardLoopCharacteristics><loopCondition xsi:type="tFormalExpression">\${approved}</loopCondition></standardLoopCharacteristics>
         </userTask>`,
      ),
    );
    await deploy(
      designer,
      doc(
        'twoRounds',
        '<userTask id="x" name="Round" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task"><standardLoopCharacteristics loopMaximum="2" /></userTask>',
      ),
    );
  });
  afterAll(() => t?.close());

  it('repeats a task in a standard loop until its condition holds', async () => {
    // given a review that loops until it is approved
    const started = await start(clerk, 'reviewUntilApproved', {
      departmentId: 'ZJ-HZ-XH',
      variables: { approved: false },
    });
    expect((await openTasks(clerk, started.id)).map((task) => task.elementId)).toEqual(['x']);
    // when it is completed without approval, then it is offered again
    await completeAt(clerk, started.id, 'x', { approved: false });
    expect((await instance(clerk, started.id)).status).toBe('running');
    expect((await openTasks(clerk, started.id)).map((task) => task.elementId)).toEqual(['x']);
    // when it is approved, then the loop ends and so does the instance
    const done = await completeAt(clerk, started.id, 'x', { approved: true });
    expect(done.instanceStatus).toBe('completed');
  });

  it('runs a standard loop up to its maximum', async () => {
    // given a round that loops at most twice
    const started = await start(clerk, 'twoRounds', { departmentId: 'ZJ-HZ-XH' });
    // when the first round is done, then the second is offered; when that is done, the instance ends
    expect((await completeAt(clerk, started.id, 'x')).instanceStatus).toBe('running');
    expect((await openTasks(clerk, started.id)).map((task) => task.elementId)).toEqual(['x']);
    expect((await completeAt(clerk, started.id, 'x')).instanceStatus).toBe('completed');
  });

  it('refuses at deploy a listener that runs code, naming it and what to use instead', async () => {
    const res = await designer.post('/api/v1/deployments', {
      xml: doc(
        'codeListener',
        '<task id="x" name="Notify"><extensionElements><camunda:executionListener delegateExpression="${notifier}" event="start" /></extensionElements></task>',
      ),
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toContainEqual(
      expect.objectContaining({
        elementId: 'x',
        message: expect.stringMatching(/delegate expression or a script is not run; use a service task/),
      }),
    );
  });
});
