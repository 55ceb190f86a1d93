import { AuthForm } from './AuthForm';

export default function Signup() {
  return <AuthForm mode="signup" />;
}
