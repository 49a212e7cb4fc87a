/** A start → n tasks in a row → end process, as large as a test needs (a fixture file would be megabytes). */
export function taskChain(key: string, tasks: number): string {
  const body: string[] = ['<startEvent id="start" name="Start"/>'];
  let previous = 'start';
  for (let i = 1; i <= tasks; i++) {
    body.push(
      `<task id="t${i}" name="Step ${i}"/>`,
      `<sequenceFlow id="f${i}" sourceRef="${previous}" targetRef="t${i}"/>`,
    );
    previous = `t${i}`;
  }
  body.push('<endEvent id="end" name="End"/>', `<sequenceFlow id="fEnd" sourceRef="${previous}" targetRef="end"/>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs" targetNamespace="http://example.com/test">
  <process id="${key}" isExecutable="true">
    ${body.join('\n    ')}
  </process>
</definitions>`;
}
