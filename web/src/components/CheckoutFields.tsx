// CheckoutFields.tsx - a labelled select with its 422 field message beside it,
// in lib/ui's Field markup (Field itself renders an input or a textarea), for
// the checkout's country and state.
import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import type { ApiError } from '../api/ApiService';

let seq = 0;

function ids(name: string, hint: string | undefined, msg: string | undefined, id: string) {
  return [hint ? id + '-hint' : '', msg ? id + '-err' : ''].filter(Boolean).join(' ') || undefined;
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
