import type { ComponentChildren } from 'preact';

/** Why a page has nothing to show: still loading, failed, or empty. A page is never left blank. */
export function Loading({ what }: { what: string }) {
  return <p class="notice">Loading {what}…</p>;
}

export function ErrorNotice({ title, message }: { title: string; message: string }) {
  return (
    <div class="notice notice-error" role="alert">
      <strong>{title}</strong> {message}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="notice notice-empty">{children}</div>;
}
