// The layers of "Test remote", in order, each with pass or fail and the one-line hint.
import { ErrorNotice } from './ErrorNotice';
import { useAppState } from '../store/store-context';

const MARKS = { pass: '✓', fail: '✗', skipped: '–' } as const;

export function RemoteTestResults() {
  const test = useAppState((s) => s.remoteTest);
  if (test.running) return <p className="muted">Testing the remote connection…</p>;
  if (test.error) return <ErrorNotice error={test.error} label="Test remote failed" />;
  if (test.layers.length === 0) return null;
  return (
    <ol className="layers" aria-label="Test remote results">
      {test.layers.map((layer) => (
        <li key={layer.layer} className={`layer layer-${layer.status}`}>
          <span className="layer-mark" aria-hidden="true">
            {MARKS[layer.status]}
          </span>
          <span className="layer-label">{layer.label}</span>
          <span className="layer-status">{layer.status === 'pass' ? 'passed' : layer.status === 'fail' ? 'failed' : 'skipped'}</span>
          <span className="layer-message">{layer.message}</span>
          {layer.hint ? <span className="layer-hint">{layer.hint}</span> : null}
        </li>
      ))}
    </ol>
  );
}
