import { EmptyState } from "./empty-state";
import { PageHeader } from "./page-header";

/** An honest placeholder for a console page that a later release builds; never made-up data. */
export function ComingSoon({ title, purpose, apiHint }: { title: string; purpose: string; apiHint: string }) {
  return (
    <>
      <PageHeader title={title} description={purpose} />
      <EmptyState title="This page is coming in a later release.">
        Nothing here is live yet. Meanwhile the same data is in the control-plane API: {apiHint}.
      </EmptyState>
    </>
  );
}
