import { AppShell, Avatar, Badge, Box, Burger, Group, Menu, NavLink, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { useFeatures } from '../api/features';
import { useMe, useSession } from '../auth/session';
import { visibleNav, type NavItem } from '../lib/nav';
import { ShieldIcon } from './icons';

const GROUPS: NavItem['group'][] = ['Customers', 'Stewardship', 'Data', 'Privacy', 'Governance'];

function initials(name: string | null): string {
  const s = (name ?? '?').replace(/@.*/, '');
  const parts = s.split(/[\s._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

export function Layout() {
  const me = useMe();
  const { signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const features = useFeatures();
  const items = visibleNav(me, features);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding={{ base: 'md', sm: 'xl' }} withBorder>
      <AppShell.Header className="cst-header">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} />
            <UnstyledButton component={Link} to="/" aria-label="Custodian home" className="cst-brand">
              <Group gap={8} wrap="nowrap">
                <Box className="cst-logo">
                  <ShieldIcon size={16} />
                </Box>
                <Text fw={700} size="md" style={{ letterSpacing: -0.2 }}>
                  Custodian
                </Text>
              </Group>
            </UnstyledButton>
          </Group>
          <Menu position="bottom-end" width={240} shadow="md">
            <Menu.Target>
              <UnstyledButton aria-label={`Account: ${me.name ?? 'signed in'}`} className="cst-account" data-testid="account-menu">
                <Group gap="xs" wrap="nowrap">
                  <Avatar size={30} radius="xl" color="indigo" variant="light">
                    {initials(me.name)}
                  </Avatar>
                  <Box visibleFrom="xs" style={{ lineHeight: 1.1 }}>
                    <Text size="sm" fw={600} truncate maw={200}>
                      {me.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {me.roles.join(', ')}
                    </Text>
                  </Box>
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>Signed in as</Menu.Label>
              <Box px="sm" pb="xs">
                <Text size="sm" fw={600}>
                  {me.name}
                </Text>
                <Group gap={4} mt={4}>
                  {me.roles.map((r) => (
                    <Badge key={r} size="xs" variant="light" tt="none">
                      {r}
                    </Badge>
                  ))}
                </Group>
              </Box>
              <Menu.Divider />
              <Menu.Item
                color="red"
                onClick={() => {
                  // A full page load, whatever the logout answered: nothing of the session stays in memory, and
                  // no in-app navigation can be lost (a client-side one after the logout sometimes never happened).
                  void signOut().finally(() => window.location.replace('/sign-in'));
                }}
              >
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation" className="cst-navbar">
        <ScrollArea>
          <Stack gap="md" component="nav">
            {GROUPS.map((g) => {
              const inGroup = items.filter((i) => i.group === g);
              if (inGroup.length === 0) return null;
              return (
                <Box key={g}>
                  <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mb={4} style={{ letterSpacing: 0.6 }}>
                    {g}
                  </Text>
                  {inGroup.map((i) => (
                    <NavLink
                      key={i.path}
                      component={Link}
                      to={i.path}
                      label={i.label}
                      active={location.pathname === i.path || location.pathname.startsWith(`${i.path}/`) || (i.path === '/search' && location.pathname.startsWith('/customers/'))}
                      onClick={close}
                      variant="light"
                      className="cst-navlink"
                    />
                  ))}
                </Box>
              );
            })}
          </Stack>
        </ScrollArea>
      </AppShell.Navbar>

      <AppShell.Main className="cst-main">
        <Box maw={1240} mx="auto">
          <Outlet />
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
