import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { config } from 'zod';
import { App } from './App.tsx';
import './styles.css';

// zod probes for eval support (new Function) on first use; the app's CSP forbids eval, so tell zod not to try.
config({ jitless: true });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
