import { Link } from 'react-router';

export default function NotFound() {
  return (
    <div className="state">
      <h1>Sorry, this page isn&apos;t available.</h1>
      <p>The link may be broken, or the page may have been removed.</p>
      <Link to="/">Go back to Photogram</Link>
    </div>
  );
}
