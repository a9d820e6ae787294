import { Alert, Box, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useSession } from '../auth/session';
import { ShieldIcon } from '../components/icons';
import { ApiError, describeError } from '../lib/errors';
import { landingPath } from '../lib/nav';

export function SignInPage() {
  const { me, signIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const next = params.get('next');

  if (me) return <Navigate to={landingPath(me, next)} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError('Enter your e-mail address and password.');
      return;
    }
    setBusy(true);
    try {
      await signIn(email.trim(), password);
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError('That e-mail and password do not match an active account. Check both and try again.');
      else setError(describeError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center className="cst-signin-bg" p="md">
      <Box w="100%" maw={400}>
        <Group gap="sm" justify="center" mb="lg">
          <Box className="cst-logo" style={{ width: 36, height: 36, borderRadius: 10 }}>
            <ShieldIcon size={20} />
          </Box>
          <Text fw={700} fz={22} style={{ letterSpacing: -0.3 }}>
            Custodian
          </Text>
        </Group>
        <Paper p="xl" shadow="sm" radius="lg">
          <Title order={1} fz={22} mb={4}>
            Sign in
          </Title>
          <Text size="sm" c="dimmed" mb="lg">
            Customer master data: search, stewardship and governance.
          </Text>
          <form onSubmit={(e) => void submit(e)} noValidate aria-label="Sign in">
            <Stack gap="md">
              {error && (
                <Alert color="red" variant="light" role="alert" title="Could not sign you in">
                  {error}
                </Alert>
              )}
              {params.get('expired') && !error && (
                <Alert color="yellow" variant="light">
                  Your session ended. Sign in again to continue.
                </Alert>
              )}
              <TextInput label="E-mail" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required autoFocus />
              <PasswordInput label="Password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required />
              <Button type="submit" loading={busy} fullWidth size="md" mt="xs">
                Sign in
              </Button>
            </Stack>
          </form>
        </Paper>
        <Text size="xs" c="dimmed" ta="center" mt="md">
          Integrations use API keys — see the <a href="/api/docs">API documentation</a>.
        </Text>
      </Box>
    </Center>
  );
}
