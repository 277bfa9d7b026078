// The IP detail view: one address over the chosen range — where it is (country, city, AS), when
// it came, what it knocked on (ports, protocols), the usernames it tried over SSH, whether it
// was flagged as a port scanner, and its newest events. One search per opening, drawn in a
// <dialog> that the app owns for the page's life.
import { api, type AggResult, type Bucket, type Hit, type SearchResponse, totalOf } from './api';
import type { FieldSet } from './field_set';
import { filterClause } from './filters';
import { displayValue, flagEmoji, formatCount, formatExact, formatTime, getField } from './format';
import { createChart, echarts, kTooltip, themeColors } from './panels/echarts_setup';
import { el } from './panels/panel_view';

// Enough rows to see what it does without paging: the log table has the rest.
const kIpEvents = 20;
const kIpTerms = 15;
// The tag and field the pipeline's port-scan detector sets (the agreed conventions).
const kPortScanTag = 'port_scan';

export interface IpDetailHost {
  fields: FieldSet;
  utc(): boolean;
  dark(): boolean;
  timeZone(): string;
  range(): { from: number; to: number };
  addFilter(field: string, value: string, negate?: boolean): void;
}

function buckets(r: SearchResponse, name: string): Bucket[] {
  return (r.aggregations?.[name] as AggResult | undefined)?.buckets ?? [];
}

function topKey(r: SearchResponse, name: string): string {
  const b = buckets(r, name)[0];
  return b ? displayValue(b.key) : '';
}

export class IpDetailView {
  private chart: echarts.ECharts | undefined;
  private generation = 0;

  constructor(private readonly dialog: HTMLDialogElement, private readonly host: IpDetailHost) {
    dialog.addEventListener('close', () => {
      this.chart?.dispose();
      this.chart = undefined;
    });
    // A click on the backdrop (outside the dialog's box) closes it, as Escape does.
    dialog.addEventListener('click', (e) => {
      if (e.target === dialog) dialog.close();
    });
  }

  async open(ip: string): Promise<void> {
    const generation = ++this.generation;
    this.frame(ip).appendChild(el('p', 'muted', 'Loading…'));
    if (!this.dialog.open) this.dialog.showModal();
    const f = this.host.fields;
    const { from, to } = this.host.range();
    const terms = (field: string, size = kIpTerms) => ({ terms: { field, size } });
    let response: SearchResponse;
    try {
      response = await api.search({
        query: filterClause({ field: f.sourceIp, value: ip, negate: false, disabled: false }),
        from, to, size: kIpEvents, sort: '@timestamp:desc',
        aggs: {
          timeline: { date_histogram: { field: '@timestamp', interval: 'auto', time_zone: this.host.timeZone() } },
          seen: { stats: { field: '@timestamp' } },
          ports: terms(f.destinationPort),
          transports: terms(f.transport, 5),
          users: { ...terms(f.userName), aggs: { outcome: terms('event.outcome', 2) } },
          tags: terms(f.tags, 20),
          scan: { stats: { field: f.scanPorts } },
          country: terms(f.countryCode, 1),
          country_name: terms(f.countryName, 1),
          city: terms(f.cityName, 1),
          as_number: terms(f.asNumber, 1),
          as_org: terms(f.asOrganization, 1),
        },
      });
    } catch (err) {
      if (generation !== this.generation) return;
      this.frame(ip).appendChild(el('p', 'error', `Could not load ${ip}: ${(err as Error).message}`));
      return;
    }
    if (generation !== this.generation || !this.dialog.open) return;
    this.render(ip, response);
  }

  // The dialog's header (address, copy, filter, close); returns the body to fill.
  private frame(ip: string): HTMLElement {
    this.chart?.dispose();
    this.chart = undefined;
    const header = el('header', 'ip-detail-header');
    const title = el('h2', undefined, ip);
    title.id = 'ip-detail-title';
    const copy = el('button', undefined, 'Copy');
    copy.title = 'Copy the address to the clipboard';
    copy.addEventListener('click', () => {
      void navigator.clipboard?.writeText(ip).then(
        () => (copy.textContent = 'Copied'),
        () => (copy.textContent = 'Copy failed: select the address'),
      );
    });
    const filter = el('button', undefined, 'Filter on it');
    filter.addEventListener('click', () => {
      this.dialog.close();
      this.host.addFilter(this.host.fields.sourceIp, ip);
    });
    const exclude = el('button', undefined, 'Exclude it');
    exclude.addEventListener('click', () => {
      this.dialog.close();
      this.host.addFilter(this.host.fields.sourceIp, ip, true);
    });
    const close = el('button', 'icon', '×');
    close.setAttribute('aria-label', 'Close');
    close.addEventListener('click', () => this.dialog.close());
    header.append(title, copy, filter, exclude, close);
    const body = el('div', 'ip-detail-body');
    this.dialog.replaceChildren(header, body);
    this.dialog.setAttribute('aria-labelledby', title.id);
    return body;
  }

  private render(ip: string, r: SearchResponse): void {
    const f = this.host.fields;
    const utc = this.host.utc();
    const body = this.frame(ip);
    const total = totalOf(r);
    if (total === 0) {
      body.appendChild(el('p', 'muted', `No events from ${ip} in this range: widen the time range.`));
      return;
    }
    // Where and when.
    const facts = el('dl', 'facts');
    const fact = (label: string, value: string, name: string) => {
      if (!value) return;
      const dd = el('dd', undefined, value);
      dd.dataset.fact = name;
      facts.append(el('dt', undefined, label), dd);
    };
    const code = topKey(r, 'country');
    fact('Country', [flagEmoji(code), topKey(r, 'country_name') || code].filter(Boolean).join(' '), 'country');
    fact('City', topKey(r, 'city'), 'city');
    const asn = topKey(r, 'as_number');
    fact('AS', [asn ? `AS${asn}` : '', topKey(r, 'as_org')].filter(Boolean).join(' '), 'as');
    const events = formatExact(total);
    fact('Events', events, 'events');
    const seen = r.aggregations?.seen as { min?: number | null; max?: number | null } | undefined;
    // Stats on @timestamp are in milliseconds since the epoch.
    if (seen?.min != null) fact('First seen', formatTime(seen.min, utc), 'first');
    if (seen?.max != null) fact('Last seen', formatTime(seen.max, utc), 'last');
    body.appendChild(facts);

    body.appendChild(this.portScan(r));

    const timeline = el('section', 'ip-section');
    timeline.appendChild(el('h3', undefined, 'Timeline'));
    const chartBox = el('div', 'ip-timeline');
    timeline.appendChild(chartBox);
    body.appendChild(timeline);

    const ports = el('section', 'ip-section');
    ports.dataset.section = 'ports';
    ports.appendChild(el('h3', undefined, 'Ports'));
    ports.appendChild(this.chips(buckets(r, 'ports'), f.destinationPort, 'No destination ports (ICMP only?)'));
    const transports = buckets(r, 'transports').map((b) => `${displayValue(b.key)} ${formatCount(b.doc_count)}`);
    if (transports.length) ports.appendChild(el('p', 'muted', `Protocols: ${transports.join(' · ')}`));
    body.appendChild(ports);

    body.appendChild(this.usernames(r));
    body.appendChild(this.eventList(r.hits.hits));
    this.drawTimeline(chartBox, buckets(r, 'timeline'));
  }

  private portScan(r: SearchResponse): HTMLElement {
    const section = el('section', 'ip-section');
    section.dataset.section = 'port-scan';
    section.appendChild(el('h3', undefined, 'Port scan'));
    const tagged = buckets(r, 'tags').find((b) => displayValue(b.key) === kPortScanTag)?.doc_count ?? 0;
    const scan = r.aggregations?.scan as { max?: number | null } | undefined;
    if (tagged > 0 || (scan?.max ?? 0) > 0) {
      const text = `Flagged as a port scanner: ${formatExact(tagged)} events tagged ${kPortScanTag}` +
        (scan?.max ? `, up to ${formatExact(scan.max)} distinct ports in one window.` : '.');
      const p = el('p', 'alert', text);
      const filter = el('button', 'link', `Show every port scanner`);
      filter.addEventListener('click', () => {
        this.dialog.close();
        this.host.addFilter(this.host.fields.tags, kPortScanTag);
      });
      section.append(p, filter);
    } else {
      section.appendChild(el('p', 'muted', 'Not flagged as a port scanner in this range.'));
    }
    const others = buckets(r, 'tags').filter((b) => displayValue(b.key) !== kPortScanTag);
    if (others.length) {
      section.appendChild(el('p', 'muted', `Tags: ${others.map((b) => displayValue(b.key)).join(', ')}`));
    }
    return section;
  }

  private usernames(r: SearchResponse): HTMLElement {
    const section = el('section', 'ip-section');
    section.dataset.section = 'usernames';
    section.appendChild(el('h3', undefined, 'Usernames tried'));
    const users = buckets(r, 'users');
    if (!users.length) {
      section.appendChild(el('p', 'muted', 'No SSH login attempts from this address in the range.'));
      return section;
    }
    const table = el('table', 'terms-table');
    const head = table.createTHead().insertRow();
    for (const [t, cls] of [['User', ''], ['Attempts', 'num'], ['Failed', 'num'], ['Succeeded', 'num']]) {
      head.appendChild(el('th', cls || undefined, t)).setAttribute('scope', 'col');
    }
    const tbody = table.createTBody();
    for (const b of users) {
      const outcome = (b.outcome as AggResult | undefined)?.buckets ?? [];
      const count = (o: string) => outcome.find((x) => x.key === o)?.doc_count ?? 0;
      const tr = tbody.insertRow();
      const user = el('button', 'link', displayValue(b.key));
      user.title = `Filter on ${this.host.fields.userName}: ${displayValue(b.key)}`;
      user.addEventListener('click', () => {
        this.dialog.close();
        this.host.addFilter(this.host.fields.userName, displayValue(b.key));
      });
      tr.insertCell().appendChild(user);
      for (const n of [b.doc_count, count('failure'), count('success')]) {
        const td = tr.insertCell();
        td.className = 'num';
        td.textContent = formatExact(n);
      }
      if (count('success') > 0) tr.classList.add('success');
    }
    section.appendChild(table);
    return section;
  }

  private chips(list: Bucket[], field: string, empty: string): HTMLElement {
    if (!list.length) return el('p', 'muted', empty);
    const box = el('div', 'chips');
    for (const b of list) {
      const value = displayValue(b.key);
      const chip = el('button', 'chip', `${value} · ${formatCount(b.doc_count)}`);
      chip.title = `Filter on ${field}: ${value} (${formatExact(b.doc_count)} events)`;
      chip.addEventListener('click', () => {
        this.dialog.close();
        this.host.addFilter(field, value);
      });
      box.appendChild(chip);
    }
    return box;
  }

  private eventList(hits: Hit[]): HTMLElement {
    const section = el('section', 'ip-section');
    section.appendChild(el('h3', undefined, `Newest events (${hits.length})`));
    const table = el('table', 'log-table');
    const head = table.createTHead().insertRow();
    for (const t of ['Time', 'Port', 'Proto', 'Message']) head.appendChild(el('th', undefined, t)).setAttribute('scope', 'col');
    const tbody = table.createTBody();
    const f = this.host.fields;
    for (const h of hits) {
      const tr = tbody.insertRow();
      const ts = Date.parse(displayValue(getField(h._source, '@timestamp')));
      tr.insertCell().textContent = Number.isNaN(ts) ? '' : formatTime(ts, this.host.utc());
      tr.insertCell().textContent = displayValue(getField(h._source, f.destinationPort));
      tr.insertCell().textContent = displayValue(getField(h._source, f.transport));
      const msg = tr.insertCell();
      msg.className = 'message';
      msg.textContent = displayValue(getField(h._source, 'message'));
    }
    const wrap = el('div', 'table-scroll');
    wrap.appendChild(table);
    section.appendChild(wrap);
    return section;
  }

  private drawTimeline(box: HTMLElement, list: Bucket[]): void {
    const colors = themeColors(this.host.dark());
    const { from, to } = this.host.range();
    this.chart = createChart(box, this.host.dark());
    const utc = this.host.utc();
    this.chart.setOption({
      backgroundColor: 'transparent',
      animation: false,
      useUTC: utc,
      grid: { left: 40, right: 8, top: 8, bottom: 24 },
      tooltip: { ...kTooltip, trigger: 'axis', formatter: (p: unknown) => {
        const v = (p as { value: [number, number] }[])[0]?.value;
        return v ? `${formatTime(v[0], utc)}\n${formatExact(v[1])} events` : '';
      } },
      xAxis: { type: 'time', min: from, max: to },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => formatCount(v) } },
      series: [{ type: 'bar', data: list.map((b) => [Number(b.key), b.doc_count]), barMaxWidth: 12,
                 itemStyle: { color: colors.high } }],
    }, { notMerge: true });
  }
}
