// A labelled text input; the label is its accessible name.
import type { InputHTMLAttributes } from 'react';

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  description?: string;
  /** An error about this field, announced with it. */
  error?: string;
}

export function TextField({ id, label, value, onValue, description, error, ...rest }: TextFieldProps) {
  const describedBy = [description ? `${id}-description` : '', error ? 'settings-save-status' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => onValue(e.target.value)} aria-describedby={describedBy} aria-invalid={error ? true : undefined} {...rest} />
      {description ? (
        <p id={`${id}-description`} className="field-description">
          {description}
        </p>
      ) : null}
    </div>
  );
}
