// CheckoutFields.tsx - labelled inputs and selects with their 422 field
// message beside them, in lib/ui's Field markup, for the cart and checkout
// forms. (lib/ui's Field takes JSX.HTMLAttributes, which has no `value`,
// `readOnly` or `maxLength` in Preact 10.29's types; these take the input's.)
import type { ComponentChildren, JSX } from 'preact';
import { useRef } from 'preact/hooks';
import type { ApiError } from '../api/ApiService';

let seq = 0;

function ids(name: string, hint: string | undefined, msg: string | undefined, id: string) {
  return [hint ? id + '-hint' : '', msg ? id + '-err' : ''].filter(Boolean).join(' ') || undefined;
}

export function TextField(props: { label: string; name: string; error?: ApiError | null; hint?: string } & JSX.InputHTMLAttributes<HTMLInputElement>) {
  const { label, name, error, hint, ...input } = props;
  const id = useRef(`c-${name}-${++seq}`).current;
  const msg = error?.fields?.[name];
  return (
    <div class={`field${msg ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      <input id={id} name={name} aria-invalid={msg ? true : undefined} aria-describedby={ids(name, hint, msg, id)} {...input} />
      {hint && <p class="field-hint" id={id + '-hint'}>{hint}</p>}
      {msg && <p class="field-error" id={id + '-err'}>{msg}</p>}
    </div>
  );
}

export function SelectField({ label, name, error, hint, value, onChange, required, children }: { label: string; name: string; error?: ApiError | null; hint?: string; value: string; onChange: (v: string) => void; required?: boolean; children: ComponentChildren }) {
  const id = useRef(`c-${name}-${++seq}`).current;
  const msg = error?.fields?.[name];
  return (
    <div class={`field${msg ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value} required={required} aria-invalid={msg ? true : undefined} aria-describedby={ids(name, hint, msg, id)}
        onChange={(e) => onChange(e.currentTarget.value)}>
        {children}
      </select>
      {hint && <p class="field-hint" id={id + '-hint'}>{hint}</p>}
      {msg && <p class="field-error" id={id + '-err'}>{msg}</p>}
    </div>
  );
}
