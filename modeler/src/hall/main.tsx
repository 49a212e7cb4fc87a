import { render } from 'preact';
import { HallApp } from './HallApp';
import { getLocale } from '../lib/i18n';
import '../lib/visually-hidden.css';
import './hall.css';

document.documentElement.lang = getLocale() === 'zh' ? 'zh-CN' : 'en';
render(<HallApp />, document.getElementById('hall') as HTMLElement);
