import { ApiError } from '../../lib/api';
import { formatDateTime, type Translate } from '../../lib/i18n';

/**
 * An action's failure in words that say what happened: a claim conflict names who holds the
 * task and since when ("已被 张三 于 10:32 签收"); anything else shows the server's message.
 */
export function describeFailure(t: Translate, err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'TASK_ALREADY_CLAIMED') {
      const who = (err.extra.assigneeName as string | undefined) ?? (err.extra.assignee as string | undefined) ?? '?';
      const at = err.extra.claimedAt as string | undefined;
      return t('task.claimedBy', { who, time: at ? formatDateTime(at) : '' });
    }
    return t('task.failed', { message: err.message });
  }
  return t('task.failed', { message: err instanceof Error ? err.message : String(err) });
}
