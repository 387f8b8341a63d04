import { Component, type ComponentChildren } from 'preact';
import { ErrorNotice } from './notice.tsx';

interface Props {
  children: ComponentChildren;
}

interface State {
  error: Error | undefined;
}

/** Shows a page that failed to render as a message instead of a blank screen. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: undefined };

  override componentDidCatch(error: unknown): void {
    this.setState({ error: error instanceof Error ? error : new Error(String(error)) });
  }

  override render() {
    const { error } = this.state;
    if (error !== undefined) {
      return <ErrorNotice title="This page failed to render:" message={error.message} />;
    }
    return this.props.children;
  }
}
