import { useEffect, useState } from 'preact/hooks';
import { useLocale, type Locale, type Translate } from '../lib/i18n';
import { hallApi } from './api';
import { date } from './format';
import type { HallMessage, HallMessageList } from './types';
import { Loaded, PageTitle, useLoad, useT } from './ui';

/**
 * The message centre (DOMAIN.md §8): the notices sent about the login's accounts, newest first, a
 * page at a time; an unread one is marked, and opening it marks it read.
 */

const PAGE = 10;

function title(message: HallMessage, t: Translate): string {
  const key = `hall.msg.template.${message.template}`;
  const text = t(key);
  return text === key ? t('hall.msg.template.notice') : text;
}

/** The text in the reader's language: the English rendering when there is one, else the text sent. */
function text(message: HallMessage, locale: Locale): string {
  return locale === 'en' && message.bodyEn ? message.bodyEn : message.body;
}

/** 2026年12月5日 14:05 / 5 Dec 2026 14:05, in the reader's time zone. */
function sentAt(timestamp: string, locale: Locale): string {
  const d = new Date(timestamp);
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = date(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`, locale);
  return `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function MessagesPage() {
  const t = useT();
  const locale = useLocale();
  const [offset, setOffset] = useState(0);
  const state = useLoad(() => hallApi.get<HallMessageList>(`/messages?limit=${PAGE}&offset=${offset}`), [offset]);
  return (
    <>
      <PageTitle>{t('hall.msg.title')}</PageTitle>
      <Loaded state={state}>
        {(list) => {
          if (list.total === 0) return <p class="hall-card hall-muted">{t('hall.msg.empty')}</p>;
          const pages = Math.max(1, Math.ceil(list.total / PAGE));
          return (
            <>
              <p class="hall-muted">{t('hall.msg.count', { total: list.total, unread: list.unread })}</p>
              <ul class="hall-bill-list" aria-label={t('hall.msg.title')}>
                {list.items.map((m) => (
                  <li key={m.id}>
                    <a class={`hall-card hall-message-item${m.read ? '' : ' unread'}`} href={`#/messages/${m.id}`}>
                      <span class="hall-row">
                        <strong>
                          {!m.read && <span class="hall-unread-dot" aria-hidden="true" />}
                          {title(m, t)}
                          {!m.read && <span class="visually-hidden">（{t('hall.msg.unread')}）</span>}
                        </strong>
                        <span class="hall-muted hall-small">{sentAt(m.sentAt, locale)}</span>
                      </span>
                      <span class="hall-message-preview">{text(m, locale)}</span>
                    </a>
                  </li>
                ))}
              </ul>
              {pages > 1 && (
                <nav class="hall-pager" aria-label={t('hall.msg.pager')}>
                  <button
                    type="button"
                    class="hall-button secondary"
                    disabled={offset === 0}
                    onClick={() => setOffset(Math.max(0, offset - PAGE))}
                  >
                    {t('hall.msg.prev')}
                  </button>
                  <span class="hall-muted">{t('hall.msg.page', { page: Math.floor(offset / PAGE) + 1, pages })}</span>
                  <button
                    type="button"
                    class="hall-button secondary"
                    disabled={!list.hasMore}
                    onClick={() => setOffset(offset + PAGE)}
                  >
                    {t('hall.msg.next')}
                  </button>
                </nav>
              )}
            </>
          );
        }}
      </Loaded>
    </>
  );
}

export function MessagePage(props: { id: string; onOpened: () => void }) {
  const t = useT();
  const locale = useLocale();
  const state = useLoad(() => hallApi.get<HallMessage>(`/messages/${props.id}`), [props.id]);
  // Opening marked it read on the server: the navigation's unread count follows.
  useEffect(() => {
    if (state.data) props.onOpened();
  }, [state.data]);
  return (
    <>
      <p class="hall-back">
        <a href="#/messages">← {t('hall.msg.back')}</a>
      </p>
      <Loaded state={state}>
        {(m) => (
          <article class="hall-card">
            <PageTitle>{title(m, t)}</PageTitle>
            <dl class="hall-facts">
              <div>
                <dt>{t('hall.msg.sentAt')}</dt>
                <dd>{sentAt(m.sentAt, locale)}</dd>
              </div>
              {m.accountNo && (
                <div>
                  <dt>{t('hall.account.no')}</dt>
                  <dd>{m.accountNo}</dd>
                </div>
              )}
            </dl>
            <p class="hall-message-body">{text(m, locale)}</p>
          </article>
        )}
      </Loaded>
    </>
  );
}
