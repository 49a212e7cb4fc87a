export default {
  zh: {
    'worklist.nav': '待办任务',
    'worklist.title': '待办任务',
    'task.title': '任务',
  },
  en: {
    'worklist.nav': 'Worklist',
    'worklist.title': 'Worklist',
    'task.title': 'Task',
  },
};
