// Edit mode: add and delete rows and panels, export and import the dashboard as JSON, and save
// it on the server (PUT, admins only). Changes apply to the app's dashboard at once.
import { api } from './api';
import { type Dashboard, kPanelKinds, type Panel, type PanelKind } from './dashboard_model';
import { el } from './panels/panel_view';

interface EditableApp {
  dashboard: Dashboard;
  build(): void;
  refresh(): Promise<void>;
  setDashboard(doc: unknown): void;
  showError(message: string): void;
}

export class DashboardEditor {
  private editing = false;
  private readonly toolbar = document.getElementById('edit-bar') as HTMLElement;

  constructor(private readonly app: EditableApp, private readonly canSave: boolean) {
    const toggle = document.getElementById('edit-toggle') as HTMLButtonElement;
    toggle.addEventListener('click', () => {
      this.editing = !this.editing;
      toggle.setAttribute('aria-pressed', String(this.editing));
      document.body.classList.toggle('editing', this.editing);
      this.toolbar.hidden = !this.editing;
      this.app.build();
      void this.app.refresh();
    });
    const button = (text: string, action: () => void, enabled = true) => {
      const b = el('button', undefined, text);
      b.disabled = !enabled;
      b.addEventListener('click', action);
      this.toolbar.appendChild(b);
      return b;
    };
    button('Add row', () => this.addRow());
    button('Export JSON', () => this.exportJson());
    const file = el('input');
    file.type = 'file';
    file.accept = 'application/json,.json';
    file.hidden = true;
    file.addEventListener('change', () => void this.importJson(file));
    this.toolbar.appendChild(file);
    button('Import JSON', () => file.click());
    const save = button('Save', () => void this.save(), canSave);
    if (!canSave) save.title = 'Only admins can save dashboards';
  }

  decorateRow(header: HTMLElement, rowIndex: number): void {
    if (!this.editing) return;
    const add = el('button', undefined, 'Add panel');
    add.addEventListener('click', () => this.addPanel(rowIndex));
    const del = el('button', 'danger', 'Delete row');
    del.addEventListener('click', () => {
      this.app.dashboard.rows.splice(rowIndex, 1);
      this.rebuild();
    });
    header.append(add, del);
  }

  decoratePanel(header: HTMLElement, rowIndex: number, panelIndex: number): void {
    if (!this.editing) return;
    const del = el('button', 'danger icon', '×');
    del.setAttribute('aria-label', 'Delete panel');
    del.addEventListener('click', () => {
      this.app.dashboard.rows[rowIndex].panels.splice(panelIndex, 1);
      this.rebuild();
    });
    header.appendChild(del);
  }

  private rebuild(): void {
    this.app.build();
    void this.app.refresh();
  }

  private addRow(): void {
    const title = prompt('Row title', 'New row');
    if (title === null) return;
    this.app.dashboard.rows.push({ title, height: 300, panels: [] });
    this.rebuild();
  }

  private addPanel(rowIndex: number): void {
    const kind = prompt(`Panel kind (${kPanelKinds.join(', ')})`, 'terms') as PanelKind | null;
    if (!kind) return;
    if (!kPanelKinds.includes(kind)) {
      this.app.showError(`unknown panel kind "${kind}": use one of ${kPanelKinds.join(', ')}`);
      return;
    }
    const panel: Panel = { id: `p${Date.now().toString(36)}`, kind, title: kind, span: 6 };
    if (kind === 'terms' || kind === 'histogram') {
      panel.field = prompt('Field', kind === 'terms' ? 'destination.port' : '') ?? undefined;
      panel.style = 'bar';
      panel.size = 10;
      panel.title = panel.field ? `Top ${panel.field}` : 'Events over time';
    }
    if (kind === 'metric') panel.metrics = [{ label: 'Events', type: 'count' }];
    this.app.dashboard.rows[rowIndex].panels.push(panel);
    this.rebuild();
  }

  private exportJson(): void {
    const blob = new Blob([JSON.stringify(this.app.dashboard, null, 2)], { type: 'application/json' });
    const a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${this.app.dashboard.id}.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  }

  private async importJson(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      this.app.setDashboard(JSON.parse(await file.text()));
    } catch (err) {
      this.app.showError(`import failed: ${(err as Error).message}`);
    }
  }

  private async save(): Promise<void> {
    try {
      await api.saveDashboard(this.app.dashboard.id, this.app.dashboard);
      this.app.showError('');
    } catch (err) {
      this.app.showError(`save failed: ${(err as Error).message}`);
    }
  }
}
