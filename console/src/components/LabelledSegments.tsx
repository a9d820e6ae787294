import { Box, SegmentedControl, Text } from '@mantine/core';
import { useId } from 'react';

/** A segmented control with a visible label above it: SegmentedControl has no label of its own, so the label names it. */
export function LabelledSegments<V extends string>({ label, value, onChange, data, fullWidth = true }: { label: string; value: V; onChange: (v: V) => void; data: { value: V; label: string }[]; fullWidth?: boolean }) {
  const id = useId();
  return (
    <Box>
      <Text size="sm" fw={500} mb={4} id={id}>
        {label}
      </Text>
      <SegmentedControl aria-labelledby={id} fullWidth={fullWidth} value={value} onChange={(v) => onChange(v as V)} data={data} />
    </Box>
  );
}
