import { Button } from '@mantine/core';
import { Link } from 'react-router-dom';
import { Empty } from '../components/common';

export default function NotFoundPage() {
  return (
    <Empty
      title="This page does not exist"
      description="The link may be old or mistyped. Use the navigation on the left, or go back to customer search."
      action={
        <Button component={Link} to="/" variant="light">
          Go to the start page
        </Button>
      }
    />
  );
}
