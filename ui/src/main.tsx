import { render } from 'preact';
import { App } from './app.tsx';
import { startLive } from './live.ts';

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
startLive();
render(<App />, root);
