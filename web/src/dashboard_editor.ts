// Edit mode: add, edit, move, resize and delete rows and panels, export and import the
// dashboard as JSON, save it on the server (PUT, admins only) or go back to the built-in one.
// Changes apply to the app's dashboard at once; nothing is stored until Save.
import { api } from './api';
import {
  type Dashboard, kDefaultDashboardId, kPanelKinds, kTermsStyles,
  movePanel, moveRow, newPanelId, type Panel, type PanelKind, resizePanel, resizeRow,
  type TermsStyle,
} from './dashboard_model';
import type { FieldSet } from './field_set';
import { el } from './panels/panel_view';

// A row's height changes by this much per click: a few clicks reach any useful height.
const kRowHeightStep = 60;

interface EditableApp {
  dashboard: Dashboard;
  fields: FieldSet;
  knownFields: Set<string>;
  saved: Map<string, string>;
  build(): void;
  refresh(): Promise<void>;
  setDashboard(doc: unknown): void;
  loadDashboard(id: string): Promise<void>;
  dashboardsChanged(): Promise<void>;
  showError(message: string): void;
}

// What the panel form edits: where the panel goes and the panel itself.
interface PanelTarget {
  row: number;
  index: number | undefined; // undefined: a new panel at the row's end
}

export class DashboardEditor {
  private editing = false;
  private readonly toolbar = document.getElementById('edit-bar') as HTMLElement;
  private readonly form = document.getElementById('panel-editor') as HTMLDialogElement;
  private readonly status = el('span', 'muted');
  private target: PanelTarget | undefined;

  constructor(private readonly app: EditableApp, private readonly canSave: boolean) {
    const toggle = document.getElementById('edit-toggle') as HTMLButtonElement;
    toggle.addEventListener('click', () => {
      this.editing = !this.editing;
      toggle.setAttribute('aria-pressed', String(this.editing));
      toggle.textContent = this.editing ? 'Done' : 'Edit';
      document.body.classList.toggle('editing', this.editing);
      this.toolbar.hidden = !this.editing;
      this.status.textContent = '';
      this.rebuild();
    });
    const button = (text: string, action: () => void, enabled = true) => {
      const b = el('button', undefined, text);
      b.type = 'button';
      b.disabled = !enabled;
      b.addEventListener('click', action);
      this.toolbar.appendChild(b);
      return b;
    };
    this.toolbar.appendChild(this.titleInput());
    button('Add row', () => this.addRow());
    button('Export JSON', () => this.exportJson());
    const file = el('input');
    file.type = 'file';
    file.accept = 'application/json,.json';
    file.hidden = true;
    file.id = 'import-file';
    file.addEventListener('change', () => void this.importJson(file));
    this.toolbar.appendChild(file);
    button('Import JSON', () => file.click());
    const save = button('Save', () => void this.save(), canSave);
    if (!canSave) save.title = 'Only admins can save dashboards';
    const reset = button('Reset to built-in', () => void this.reset(), canSave);
    reset.title = canSave
      ? 'Delete the saved copy of this dashboard and show the built-in one'
      : 'Only admins can change saved dashboards';
    this.toolbar.appendChild(this.status);
    this.wireForm();
  }

  private titleInput(): HTMLElement {
    const label = el('label', 'inline');
    const input = el('input');
    input.id = 'dashboard-title';
    input.addEventListener('change', () => {
      this.app.dashboard.title = input.value.trim() || 'Untitled';
      (document.getElementById('dash-title') as HTMLElement).textContent = this.app.dashboard.title;
    });
    label.append('Title ', input);
    return label;
  }

  decorateRow(header: HTMLElement, rowIndex: number): void {
    if (!this.editing) return;
    (document.getElementById('dashboard-title') as HTMLInputElement).value = this.app.dashboard.title;
    const row = this.app.dashboard.rows[rowIndex];
    const tools = el('span', 'edit-tools');
    const add = (text: string, label: string, action: () => void, cls?: string, rebuild = true) => {
      const b = el('button', cls, text);
      b.type = 'button';
      b.setAttribute('aria-label', `${label} (row ${row.title || rowIndex + 1})`);
      b.title = label;
      b.addEventListener('click', () => {
        action();
        if (rebuild) this.rebuild();
      });
      tools.appendChild(b);
    };
    // The form rebuilds when applied.
    add('Add panel', 'Add panel', () => this.openForm({ row: rowIndex, index: undefined }), undefined, false);
    add('▲', 'Move row up', () => moveRow(this.app.dashboard, rowIndex, -1), 'icon');
    add('▼', 'Move row down', () => moveRow(this.app.dashboard, rowIndex, 1), 'icon');
    if (row.height > 0) {
      add('−', 'Lower row', () => resizeRow(row, -kRowHeightStep), 'icon');
      add('+', 'Taller row', () => resizeRow(row, kRowHeightStep), 'icon');
    }
    add('Rename', 'Rename row', () => {
      const title = prompt('Row title', row.title);
      if (title !== null) row.title = title;
    });
    add('Delete row', 'Delete row', () => this.app.dashboard.rows.splice(rowIndex, 1), 'danger');
    header.appendChild(tools);
  }

  decoratePanel(header: HTMLElement, rowIndex: number, panelIndex: number): void {
    if (!this.editing) return;
    const panel = this.app.dashboard.rows[rowIndex].panels[panelIndex];
    const tools = el('span', 'edit-tools');
    const add = (text: string, label: string, action: () => void, rebuild = true, cls = 'icon') => {
      const b = el('button', cls, text);
      b.type = 'button';
      b.setAttribute('aria-label', `${label}: ${panel.title}`);
      b.title = label;
      b.addEventListener('click', () => {
        action();
        if (rebuild) this.rebuild();
      });
      tools.appendChild(b);
    };
    add('◀', 'Move left', () => movePanel(this.app.dashboard, rowIndex, panelIndex, -1));
    add('▶', 'Move right', () => movePanel(this.app.dashboard, rowIndex, panelIndex, 1));
    add('⇤', 'Narrower', () => resizePanel(panel, -1));
    add('⇥', 'Wider', () => resizePanel(panel, 1));
    add('✎', 'Edit panel', () => this.openForm({ row: rowIndex, index: panelIndex }), false);
    add('×', 'Delete panel', () => this.app.dashboard.rows[rowIndex].panels.splice(panelIndex, 1),
        true, 'icon danger');
    header.appendChild(tools);
  }

  private rebuild(): void {
    this.app.build();
    void this.app.refresh();
  }

  private addRow(): void {
    this.app.dashboard.rows.push({ title: 'New row', height: 300, panels: [] });
    this.rebuild();
    this.openForm({ row: this.app.dashboard.rows.length - 1, index: undefined });
  }

  // --- the panel form (a <dialog> in index.html) --------------------------------------------
  private input<T extends HTMLElement>(name: string): T {
    return this.form.querySelector(`[name="${name}"]`) as T;
  }

  private wireForm(): void {
    const kind = this.input<HTMLSelectElement>('kind');
    for (const k of kPanelKinds) kind.add(new Option(k, k));
    const style = this.input<HTMLSelectElement>('style');
    for (const s of kTermsStyles) style.add(new Option(s, s));
    kind.addEventListener('change', () => this.showKindFields());
    this.form.querySelector('form')!.addEventListener('submit', (e) => {
      if ((e as SubmitEvent).submitter?.getAttribute('value') === 'cancel') return;
      e.preventDefault();
      const error = this.applyForm();
      const box = this.form.querySelector('.form-error') as HTMLElement;
      box.textContent = error ?? '';
      box.hidden = !error;
      if (!error) {
        this.form.close();
        this.rebuild();
      }
    });
  }

  private showKindFields(): void {
    const kind = this.input<HTMLSelectElement>('kind').value as PanelKind;
    for (const box of this.form.querySelectorAll<HTMLElement>('[data-kinds]')) {
      box.hidden = !box.dataset.kinds!.split(' ').includes(kind);
    }
  }

  private openForm(target: PanelTarget): void {
    this.target = target;
    const panel: Panel | undefined =
      target.index === undefined ? undefined : this.app.dashboard.rows[target.row].panels[target.index];
    const f = this.app.fields;
    const list = this.form.querySelector('datalist') as HTMLDataListElement;
    list.replaceChildren(...[...this.app.knownFields].sort().map((n) => new Option(n)));
    (this.form.querySelector('h2') as HTMLElement).textContent = panel ? `Edit “${panel.title}”` : 'Add a panel';
    this.input<HTMLSelectElement>('kind').value = panel?.kind ?? 'terms';
    this.input<HTMLInputElement>('title').value = panel?.title ?? '';
    this.input<HTMLInputElement>('field').value =
      panel?.field ?? panel?.country_name_field ?? f.countryName;
    this.input<HTMLSelectElement>('style').value = panel?.style ?? 'pie';
    this.input<HTMLInputElement>('size').value = String(panel?.size ?? 10);
    this.input<HTMLInputElement>('span').value = String(panel?.span ?? 4);
    this.input<HTMLInputElement>('query').value = panel?.query ?? '';
    this.input<HTMLInputElement>('location').value = panel?.location_field ?? f.location;
    this.input<HTMLInputElement>('country').value = panel?.country_field ?? f.countryCode;
    (this.form.querySelector('.form-error') as HTMLElement).hidden = true;
    this.showKindFields();
    this.form.showModal();
    this.input<HTMLInputElement>('title').focus();
  }

  // Applies the form to the dashboard; returns what is wrong, or undefined.
  private applyForm(): string | undefined {
    const target = this.target;
    if (!target) return 'no panel is being edited';
    const kind = this.input<HTMLSelectElement>('kind').value as PanelKind;
    const field = this.input<HTMLInputElement>('field').value.trim();
    const size = Number(this.input<HTMLInputElement>('size').value);
    const span = Number(this.input<HTMLInputElement>('span').value);
    if (kind === 'terms' && !field) return 'a terms panel needs a field, e.g. ' + this.app.fields.countryName;
    if (!(span >= 1 && span <= 12)) return 'the width is 1 to 12 columns';
    if (kind === 'terms' && !(size >= 1 && size <= 100)) return 'top N is 1 to 100';
    const row = this.app.dashboard.rows[target.row];
    const old = target.index === undefined ? undefined : row.panels[target.index];
    const title = this.input<HTMLInputElement>('title').value.trim() ||
      (kind === 'terms' ? `Top ${field}` : kind === 'map' ? 'Map' : kind === 'histogram' ? 'Events over time' :
        kind === 'metric' ? 'Totals' : 'Events');
    const panel: Panel = { id: old?.id ?? newPanelId(this.app.dashboard, kind === 'terms' ? field : kind),
      kind, title, span };
    if (kind === 'terms') {
      panel.field = field;
      panel.style = this.input<HTMLSelectElement>('style').value as TermsStyle;
      panel.size = size;
      if (old?.kind === 'terms' && old.field === field) {
        panel.columns = old.columns;
        panel.ip_details = old.ip_details;
        panel.activity = old.activity;
        panel.empty_hint = old.empty_hint;
      }
    } else if (kind === 'histogram') {
      if (field) panel.field = field;
    } else if (kind === 'map') {
      panel.location_field = this.input<HTMLInputElement>('location').value.trim() || undefined;
      panel.country_field = this.input<HTMLInputElement>('country').value.trim() || undefined;
      panel.country_name_field = field || undefined;
      if (!panel.location_field && !panel.country_field) return 'a map needs a location or a country code field';
    } else if (kind === 'metric') {
      panel.metrics = old?.kind === 'metric' && old.metrics ? old.metrics : [{ label: 'Events', type: 'count' }];
      if (field && !old?.metrics) panel.metrics.push({ label: `Distinct ${field}`, type: 'cardinality', field });
    }
    const query = this.input<HTMLInputElement>('query').value.trim();
    if (query && kind !== 'table') panel.query = query;
    if (row.height === 0 && kind !== 'table' && kind !== 'metric') row.height = 300;
    if (old) row.panels[target.index!] = panel;
    else row.panels.push(panel);
    return undefined;
  }

  // --- files and the server --------------------------------------------------------------------
  private exportJson(): void {
    const blob = new Blob([JSON.stringify(this.app.dashboard, null, 2)], { type: 'application/json' });
    const a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${this.app.dashboard.id}.json`;
    a.click();
    // The download has taken the blob's bytes once the click's task ran.
    setTimeout(() => URL.revokeObjectURL(a.href), 0);
  }

  private async importJson(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      this.app.setDashboard(JSON.parse(await file.text()));
      this.status.textContent = `imported ${file.name}: Save keeps it`;
    } catch (err) {
      this.app.showError(`import failed: ${(err as Error).message}`);
    }
  }

  private async save(): Promise<void> {
    try {
      await api.saveDashboard(this.app.dashboard.id, this.app.dashboard);
      this.app.showError('');
      this.status.textContent = `saved as “${this.app.dashboard.title}” (${this.app.dashboard.id})`;
      await this.app.dashboardsChanged();
    } catch (err) {
      this.app.showError(`save failed: ${(err as Error).message}`);
    }
  }

  private async reset(): Promise<void> {
    const id = this.app.dashboard.id;
    if (this.app.saved.has(id)) {
      try {
        await api.deleteDashboard(id);
      } catch (err) {
        this.app.showError(`reset failed: ${(err as Error).message}`);
        return;
      }
    }
    await this.app.loadDashboard(kDefaultDashboardId);
    this.status.textContent = 'back to the built-in dashboard';
  }
}
