import { useWorkflows } from '../api/queries';
import { useCan } from '../auth/session';
import { when } from '../format';
import { Link } from '../router';

/** `/workflows`: every stored workflow with its latest version. */
export default function WorkflowsPage() {
  const workflows = useWorkflows();
  const operator = useCan('operator');
  return (
    <section>
      <div className="page-head">
        <h1>Workflows</h1>
        {operator && (
          <Link to="/workflows/new" className="button-link">
            New workflow
          </Link>
        )}
      </div>
      {workflows.error && <p role="alert" className="error">{String(workflows.error)}</p>}
      <table className="grid" aria-label="Workflows">
        <thead>
          <tr>
            <th>Name</th>
            <th>Description</th>
            <th className="num">Latest version</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {workflows.data?.items.map((w) => (
            <tr key={w.name}>
              <td>
                <Link to={`/workflows/${encodeURIComponent(w.name)}`}>{w.name}</Link>
              </td>
              <td>{w.description ?? ''}</td>
              <td className="num">v{w.latestVersion}</td>
              <td>{when(w.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {workflows.data?.items.length === 0 && <p className="muted">No workflows yet: store one with POST /api/v1/workflows or `weft apply`.</p>}
    </section>
  );
}
