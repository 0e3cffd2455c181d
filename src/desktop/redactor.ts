// Removes known secret values from text before it reaches logs, state or diagnostics.

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a value to hide; very short values are skipped (they would mangle ordinary text). */
  add(value: string | null | undefined): void {
    if (value && value.length >= 6) this.secrets.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    // Tokens that travel in URLs (the twin's own, a gateway's ?token=) never reach a log either.
    return out.replace(/([?&](?:token|password)=)[^&\s"']+/gi, '$1***');
  }
}
