import { render } from 'preact';
import { App } from './app/App';
import { getLocale } from './lib/i18n';
import './lib/visually-hidden.css';
import './styles.css';

document.documentElement.lang = getLocale() === 'zh' ? 'zh-CN' : 'en';
render(<App />, document.getElementById('app') as HTMLElement);
