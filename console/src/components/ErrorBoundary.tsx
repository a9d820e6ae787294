import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Last line of defence: a broken page shows a plain message and a way out, never a stack trace. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn('Console page failed', error, info.componentStack);
  }

  override componentDidUpdate(prev: { resetKey?: string }): void {
    if (this.state.failed && prev.resetKey !== this.props.resetKey) this.setState({ failed: false });
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <Center py="xl">
        <Stack align="center" gap="sm" maw={460} ta="center">
          <Title order={2} fz={20}>
            This page ran into a problem
          </Title>
          <Text size="sm" c="dimmed">
            Nothing was changed. Reload the page to try again; if it keeps happening, tell your administrator which page you were on.
          </Text>
          <Button onClick={() => window.location.reload()}>Reload the page</Button>
        </Stack>
      </Center>
    );
  }
}
