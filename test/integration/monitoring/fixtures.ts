/** The two (empty) task forms of test/fixtures/bpmn/monitoring.two-steps.bpmn, deployed with it. */
export const MONITORED_FORMS = [
  { id: 'mon.accept', type: 'default', components: [] },
  { id: 'mon.review', type: 'default', components: [] },
];
