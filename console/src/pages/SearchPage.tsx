import { Badge, Box, Group, Highlight, Kbd, Loader, Paper, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { get } from '../api/client';
import type { CustomerSummary, Page } from '../api/types';
import { Empty, ErrorState, PageHeader, RelativeTime, StatusBadge } from '../components/common';
import { SearchIcon } from '../components/icons';
import { classifyQuery, isSearchable, matchedOnLabel, moveHighlight } from '../lib/search-query';
import { useDebounced } from '../lib/use-debounced';

const LIMIT = 20;

export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [active, setActive] = useState(-1);
  const navigate = useNavigate();
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const debounced = useDebounced(text, 150);
  const query = useMemo(() => classifyQuery(debounced), [debounced]);
  const live = classifyQuery(text);

  // Keep ?q= in the address so Back returns to the same results.
  useEffect(() => {
    const q = query.text;
    if ((params.get('q') ?? '') !== q) setParams(q ? { q } : {}, { replace: true });
  }, [query.text, params, setParams]);

  const results = useQuery({
    queryKey: ['customers', 'search', query.text],
    // The signal cancels the request when the text changes before it answers.
    queryFn: ({ signal }) => get<Page<CustomerSummary>>('/customers', { q: query.text, limit: LIMIT }, signal),
    enabled: isSearchable(query),
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });

  const items = isSearchable(query) ? (results.data?.items ?? []) : [];
  useEffect(() => setActive(items.length > 0 ? 0 : -1), [results.data, items.length]);

  const open = (id: string) => navigate(`/customers/${encodeURIComponent(id)}`);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => moveHighlight(a, e.key === 'ArrowDown' ? 1 : -1, items.length));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (live.kind === 'customer-id') open(live.text.toLowerCase());
      else if (active >= 0 && items[active]) open(items[active].id);
    } else if (e.key === 'Escape') {
      setText('');
    }
  };

  useEffect(() => {
    document.getElementById(`${listId}-opt-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, listId]);

  const searching = results.isFetching && isSearchable(query);
  const waiting = text.trim() !== debounced.trim() || searching;

  return (
    <Box maw={880}>
      <PageHeader title="Customer search" description="One box for everything: a name (typos are fine), an e-mail address, a phone number, a source system key or a customer id." />
      <TextInput
        ref={inputRef}
        size="lg"
        radius="md"
        label="Search customers"
        labelProps={{ className: 'sr-only', style: { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' } }}
        placeholder="Name, e-mail, phone, source key or customer id"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        autoFocus
        autoComplete="off"
        spellCheck={false}
        leftSection={<SearchIcon />}
        rightSection={waiting && isSearchable(live) ? <Loader size="xs" aria-label="Searching" /> : null}
        role="combobox"
        aria-expanded={items.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={active >= 0 ? `${listId}-opt-${active}` : undefined}
        data-testid="customer-search"
      />
      <Group justify="space-between" mt={8} mb="md" gap="xs">
        <Text size="xs" c="dimmed" aria-live="polite">
          {live.hint}
        </Text>
        <Text size="xs" c="dimmed" visibleFrom="sm">
          <Kbd size="xs">↑</Kbd> <Kbd size="xs">↓</Kbd> to move, <Kbd size="xs">Enter</Kbd> to open, <Kbd size="xs">Esc</Kbd> to clear
        </Text>
      </Group>

      {results.isError && isSearchable(query) ? (
        <ErrorState error={results.error} context="customers" onRetry={() => void results.refetch()} />
      ) : !isSearchable(query) ? (
        <Paper p="lg">
          <Empty
            title="Find a customer"
            description={
              <>
                Start typing — results appear as you type.
                <br />
                <Text span size="xs" c="dimmed">
                  Try a name like “Jane Doe”, an e-mail, “+44 20 7946 0958”, a source key such as “C-1”, or a customer id (cus_…).
                </Text>
              </>
            }
            icon={<SearchIcon size={22} />}
          />
        </Paper>
      ) : results.isPending ? (
        <Paper p="lg">
          <Text size="sm" c="dimmed" role="status">
            Searching…
          </Text>
        </Paper>
      ) : items.length === 0 ? (
        <Paper p="lg">
          <Empty title={`No customers match “${query.text}”`} description="Check the spelling, try part of the name, or search by e-mail, phone or source key instead." />
        </Paper>
      ) : (
        <Paper p={0} style={{ overflow: 'hidden', opacity: results.isPlaceholderData ? 0.6 : 1, transition: 'opacity 120ms' }}>
          <Group justify="space-between" px="md" py={8} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)', background: 'var(--mantine-color-gray-0)' }}>
            <Text size="xs" c="dimmed" fw={600}>
              {items.length === LIMIT && results.data?.nextCursor ? `Top ${LIMIT} matches` : `${items.length} match${items.length === 1 ? '' : 'es'}`}
            </Text>
          </Group>
          <Box role="listbox" id={listId} aria-label="Matching customers" data-testid="search-results">
            {items.map((c, i) => (
              <Link
                key={c.id}
                to={`/customers/${encodeURIComponent(c.id)}`}
                id={`${listId}-opt-${i}`}
                role="option"
                aria-selected={i === active}
                data-active={i === active}
                className="cst-result"
                tabIndex={-1}
                onMouseEnter={() => setActive(i)}
              >
                <Group justify="space-between" wrap="nowrap" gap="sm">
                  <Box style={{ minWidth: 0 }}>
                    <Highlight highlight={query.kind === 'key-or-name' ? query.text.split(' ') : []} fw={600} size="md" truncate>
                      {c.displayName ?? 'Unnamed customer'}
                    </Highlight>
                    <Group gap={8} mt={2} wrap="wrap">
                      <Text span ff="monospace" size="xs" c="dimmed">
                        {c.id}
                      </Text>
                      {c.status !== 'active' && <StatusBadge status={c.status} size="xs" />}
                      {matchedOnLabel(c.matchedOn) && (
                        <Badge size="xs" variant="dot" color="indigo" tt="none">
                          matched on {matchedOnLabel(c.matchedOn)}
                        </Badge>
                      )}
                    </Group>
                  </Box>
                  <Text size="xs" c="dimmed" visibleFrom="xs" style={{ flexShrink: 0 }}>
                    updated <RelativeTime iso={c.updatedAt} />
                  </Text>
                </Group>
              </Link>
            ))}
          </Box>
        </Paper>
      )}
    </Box>
  );
}
