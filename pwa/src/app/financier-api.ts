// The financier console's calls: the dealer network, agreement imports,
// campaigns and the audit log. FinancierApi speaks through the one Api
// client (its token, refresh and typed errors) and only adds paths and types,
// mirrored from the Go handlers and docs/openapi.yaml. Money is in integer
// minor units (pence, cent) everywhere, as in the API.
import type { Api } from './api';
import { ApiError, NetworkError, problemFrom } from './errors';

/** LocationInput is a showroom as the administrator edits it (tenants.LocationInput). */
export interface LocationInput {
  code: string;
  dealer_group: string;
  name: string;
  address_line1: string;
  town: string;
  region: string;
  postcode: string;
  latitude: number;
  longitude: number;
  time_zone: string;
  /** "Mon-Fri 09:00-18:00; Sat 09:00-17:00; Sun closed" */
  opening_hours: string;
  phone: string;
  email: string;
  principal_name: string;
  principal_email: string;
  principal_phone: string;
}

/** Showroom is a dealer location in the network. */
export interface Showroom extends LocationInput {
  id: number;
}

/** DealerGroupDetail is a dealer group with its showrooms in the network. */
export interface DealerGroupDetail {
  id: number;
  name: string;
  locations: Showroom[];
}

/** LineProblem is one line of a file that was rejected or warned about; line 1 is the header. */
export interface LineProblem {
  line: number;
  column: string;
  message: string;
}

/** NetworkImportSummary is what a dealer network file changed. */
export interface NetworkImportSummary {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: LineProblem[];
}

const enc = encodeURIComponent;

/** FinancierApi is the financier console's part of the API. */
export class FinancierApi {
  constructor(readonly api: Api) {}

  // Dealer network.

  dealerNetwork(): Promise<{ groups: DealerGroupDetail[] }> {
    return this.api.request('GET', '/dealer-network');
  }

  addShowroom(input: LocationInput): Promise<Showroom> {
    return this.api.request('POST', '/dealer-network/locations', input);
  }

  updateShowroom(id: number, input: LocationInput): Promise<Showroom> {
    return this.api.request('PUT', `/dealer-network/locations/${enc(String(id))}`, input);
  }

  removeShowroom(id: number): Promise<void> {
    return this.api.request('DELETE', `/dealer-network/locations/${enc(String(id))}`);
  }

  importNetwork(csv: Blob | string): Promise<NetworkImportSummary> {
    return this.api.upload('POST', '/dealer-network/import', csv, 'text/csv');
  }

  // Agreement imports.

  imports(): Promise<{ imports: ImportView[] }> {
    return this.api.request('GET', '/imports');
  }

  importStatus(id: number): Promise<ImportView> {
    return this.api.request('GET', `/imports/${id}`);
  }

  /**
   * uploadAgreements sends a CSV (or JSON lines) file as multipart/form-data;
   * the server stores it and answers 202 with the queued import, or refuses
   * the whole file (422, 413) with the reason.
   */
  uploadAgreements(file: File): Promise<ImportView> {
    const form = new FormData();
    form.append('file', file, file.name);
    return this.api.upload('POST', '/imports', form);
  }

  // The audit log.

  /** audit reads one page of the log, newest first; pass next_cursor for the page after. */
  audit(q: AuditQuery, cursor?: string | null, limit = 50): Promise<{ entries: AuditEntry[]; next_cursor: string | null }> {
    const extra: Record<string, string> = { limit: String(limit) };
    if (cursor) extra.cursor = cursor;
    return this.api.request('GET', `/audit${auditQueryString(q, extra)}`);
  }

  // Campaigns.

  campaigns(): Promise<{ campaigns: CampaignSummary[] }> {
    return this.api.request('GET', '/campaigns');
  }

  createCampaign(input: CampaignInput): Promise<CampaignView> {
    return this.api.request('POST', '/campaigns', input);
  }

  campaign(id: number): Promise<CampaignView> {
    return this.api.request('GET', `/campaigns/${id}`);
  }

  updateCampaign(id: number, input: CampaignInput): Promise<CampaignView> {
    return this.api.request('PUT', `/campaigns/${id}`, input);
  }

  /** previewAudience counts draft rules: the live count and a sample of 20, and with exclusions what each exclusion removed. */
  previewAudience(audience: Audience, exclusions = false): Promise<AudiencePreview> {
    return this.api.request('POST', '/campaigns/audience/preview', { audience, exclusions });
  }

  /** savedAudience counts a saved campaign's rules. */
  savedAudience(id: number): Promise<AudiencePreview> {
    return this.api.request('GET', `/campaigns/${id}/audience`);
  }

  /** explain answers whether one customer (by reference) is in a campaign's saved audience, and why not. */
  explain(id: number, customerRef: string): Promise<Explanation> {
    return this.api.request('GET', `/campaigns/${id}/audience/explain?customer_ref=${enc(customerRef)}`);
  }

  /** previewOffer prices an offer's representative example without saving it; a 422 says what does not reconcile. */
  previewOffer(input: OfferInput): Promise<OfferView> {
    return this.api.request('POST', '/campaigns/offers/preview', input);
  }

  addOffer(id: number, input: OfferInput): Promise<OfferView> {
    return this.api.request('POST', `/campaigns/${id}/offers`, input);
  }

  updateOffer(id: number, offerID: number, input: OfferInput): Promise<OfferView> {
    return this.api.request('PUT', `/campaigns/${id}/offers/${offerID}`, input);
  }

  removeOffer(id: number, offerID: number): Promise<void> {
    return this.api.request('DELETE', `/campaigns/${id}/offers/${offerID}`);
  }

  saveJourney(id: number, steps: StepInput[]): Promise<{ steps: StepView[] }> {
    return this.api.request('PUT', `/campaigns/${id}/journey`, { steps });
  }

  /** previewStep renders a draft step for real sample customers of the campaign's audience. */
  previewStep(id: number, step: StepInput): Promise<StepPreview> {
    return this.api.request('POST', `/campaigns/${id}/journey/preview`, { step });
  }

  checklist(id: number): Promise<Checklist> {
    return this.api.request('GET', `/campaigns/${id}/checklist`);
  }

  /** transition moves a campaign on: submit, approve, launch, pause or end. */
  transition(id: number, action: 'submit' | 'approve' | 'launch' | 'pause' | 'end'): Promise<CampaignView> {
    return this.api.request('POST', `/campaigns/${id}/${action}`);
  }

  reject(id: number, reason: string): Promise<CampaignView> {
    return this.api.request('POST', `/campaigns/${id}/reject`, { reason });
  }

  enrolments(id: number, limit = 100, offset = 0): Promise<{ enrolments: EnrolmentView[]; limit: number; offset: number }> {
    return this.api.request('GET', `/campaigns/${id}/enrolments?limit=${limit}&offset=${offset}`);
  }
}

/** NETWORK_TEMPLATE is the dealer network template's path under /api/v1. */
export const NETWORK_TEMPLATE = '/dealer-network/template.csv';

// Campaigns (backend/campaigns).

export type CampaignStatus = 'draft' | 'submitted' | 'approved' | 'live' | 'paused' | 'ended';

/** IntRange is an inclusive range; a missing bound is open. */
export interface IntRange {
  min?: number;
  max?: number;
}

/** VehicleRule matches a make, or a make and model. */
export interface VehicleRule {
  make: string;
  model?: string;
}

/** Audience is a campaign's targeting rules; a rule left out matches every agreement. */
export interface Audience {
  months_to_end?: IntRange;
  products?: string[];
  vehicles?: VehicleRule[];
  /** A band of stored equity in minor units. */
  equity?: IntRange;
  dealer_codes?: string[];
  regions?: string[];
  agreement_age_months?: IntRange;
  /** Switches off the one switchable exclusion: already in another live campaign. */
  include_other_live_campaigns: boolean;
}

/** CampaignInput is a campaign's settings as the marketer edits them. */
export interface CampaignInput {
  name: string;
  description: string;
  start_date: string;
  end_date: string;
  frequency_cap_per_week: number;
  audience: Audience;
}

/** Fee is a charge of a finance product. */
export interface Fee {
  name: string;
  amount: number;
  payable?: string;
}

/** FutureValue is a PCP's guaranteed future value for a term and annual mileage. */
export interface FutureValue {
  term_months: number;
  annual_mileage: number;
  value: number;
}

/** APRBasis is why the representative APR is representative (RULES C5). */
export interface APRBasis {
  share_percent: number;
  source: string;
}

/** ExampleTerms are the terms of an offer's representative example. */
export interface ExampleTerms {
  deposit: number;
  monthly_payments: number;
  annual_mileage?: number;
  monthly_payment?: number;
  apr?: number;
  apr_basis?: APRBasis;
  initial_rental_months?: number;
  monthly_rental?: number;
}

/** OfferVehicle is the car on offer and its media. */
export interface OfferVehicle {
  make: string;
  model: string;
  derivative: string;
  image_url: string;
  video_url: string;
  captions_url: string;
}

/** OfferInput is an offer as the marketer enters it. */
export interface OfferInput {
  vehicle: OfferVehicle;
  cash_price: number;
  product: string;
  terms_offered: number[];
  deposit_contribution: number;
  guaranteed_future_values?: FutureValue[];
  excess_mileage_charge?: number;
  fees?: Fee[];
  valid_from: string;
  valid_to: string;
  small_print: string;
  example: ExampleTerms;
}

/** ExampleLine is one item of a representative example, as the finance engine writes it. */
export interface ExampleLine {
  item: string;
  label: string;
  value: string;
  amount?: number;
  rule: string;
}

/** RepresentativeExample is the block every promotion of a quote shows. */
export interface RepresentativeExample {
  title: string;
  market: string;
  language: string;
  rate_shown: string;
  lines: ExampleLine[];
  text: string;
}

/** CheckProblem is one figure of an offer that does not reconcile. */
export interface CheckProblem {
  field: string;
  stated: number | null;
  computed?: number;
  unit: string;
  rule: string;
  message: string;
}

/** CheckAnswer is the finance engine's check of the stated figures. */
export interface CheckAnswer {
  reconciles: boolean;
  problems: CheckProblem[];
}

/** FieldProblem is a problem with one field (the API's FieldError). */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

/** Quote is the part of the finance engine's quote the console shows. */
export interface Quote {
  product: string;
  currency: string;
  cash_price?: number;
  monthly_payment?: number;
  monthly_payments?: number;
  apr?: number;
  total_amount_payable?: number;
  deposit?: number;
  deposit_contribution?: number;
  optional_final_payment?: number;
  initial_rental?: number;
  monthly_rental?: number;
  monthly_rentals?: number;
  duration_months: number;
  representative_example: RepresentativeExample;
}

/** OfferView is an offer with the example the finance engine computed and its check. */
export interface OfferView extends OfferInput {
  id: number;
  position: number;
  duration_months: number;
  representative_example: RepresentativeExample | null;
  quote: Quote | null;
  check: CheckAnswer | null;
  problems?: FieldProblem[];
}

/** StepInput is a journey step as the marketer edits it; id is empty for a new step. */
export interface StepInput {
  id?: string;
  anchor: 'end_date' | 'enrolment';
  offset_days: number;
  channel: 'push' | 'email';
  title?: string;
  subject?: string;
  body: string;
  deep_link: string;
}

/** StepView is a saved journey step. */
export interface StepView extends StepInput {
  id: string;
  position: number;
}

/** CampaignView is a campaign as the console shows it. */
export interface CampaignView extends CampaignInput {
  id: number;
  status: CampaignStatus;
  version: number;
  created_by: number;
  updated_by: number;
  submitted_by: number | null;
  submitted_at: string | null;
  approved_by: number | null;
  approved_at: string | null;
  rejected_by: number | null;
  rejected_at: string | null;
  rejection_reason: string;
  launched_by: number | null;
  launched_at: string | null;
  paused_by: number | null;
  paused_at: string | null;
  ended_at: string | null;
  ended_reason: string;
  last_synced_at: string | null;
  created_at: string;
  updated_at: string;
  offers: OfferView[];
  journey: StepView[];
  enrolled?: number;
}

/** CampaignSummary is one line of the campaign list. */
export interface CampaignSummary {
  id: number;
  name: string;
  status: CampaignStatus;
  start_date: string;
  end_date: string;
  offers: number;
  steps: number;
  enrolled: number;
  updated_at: string;
}

/** ExclusionCount is what one exclusion removed from the customers the rules matched. */
export interface ExclusionCount {
  exclusion: string;
  label: string;
  switchable: boolean;
  applied: boolean;
  removed: number;
}

/** SampleCustomer is one matching customer, through the agreement that would enrol them. */
export interface SampleCustomer {
  customer_id: number;
  customer_ref: string;
  first_name: string;
  last_name: string;
  agreement_id: number;
  agreement_number: string;
  product: string;
  end_date: string;
  months_left: number;
  make: string;
  model: string;
  dealer_name: string;
}

/**
 * AudiencePreview is the live count and a sample; with exclusions asked for
 * (a second scan), also how many the rules matched and what each exclusion
 * removed.
 */
export interface AudiencePreview {
  count: number;
  matched_by_rules?: number;
  exclusions?: ExclusionCount[];
  sample: SampleCustomer[];
}

/** AgreementCheck is every rule and exclusion tested on one of a customer's agreements. */
export interface AgreementCheck {
  agreement_id: number;
  agreement_number: string;
  matches: boolean;
  rules: Array<{ rule: string; passed: boolean }>;
  exclusions: Array<{ exclusion: string; label: string; switchable: boolean; applies: boolean }>;
}

/** EnrolmentView is one enrolment of a live campaign. */
export interface EnrolmentView {
  id: number;
  customer_id: number;
  customer_ref: string;
  agreement_id: number;
  agreement_number: string;
  end_date: string;
  enrolled_at: string;
  left_at: string | null;
  left_reason: string;
}

/** Explanation answers "is this customer in, and if not, which rule keeps them out". */
export interface Explanation {
  customer_id: number;
  customer_ref: string;
  in: boolean;
  agreement_id: number | null;
  reasons: string[];
  agreements: AgreementCheck[];
  enrolment: EnrolmentView | null;
}

/** RenderedStep is a step as one customer would receive it. */
export interface RenderedStep {
  title?: string;
  subject?: string;
  body: string;
  deep_link: string;
  send_on: string;
}

/** StepPreview is a step rendered for real sample customers. */
export interface StepPreview {
  step: StepInput;
  samples: Array<{ customer_ref: string; first_name: string; message: RenderedStep; problems: string[] }>;
}

/** OfferCheck is one offer on the approver's checklist. */
export interface OfferCheck {
  offer_id: number;
  vehicle: string;
  product: string;
  reconciles: boolean;
  problems: FieldProblem[];
  representative_apr: number | null;
  apr_basis: APRBasis | null;
  representative_example: RepresentativeExample | null;
  valid_from: string;
  valid_to: string;
  validity_ok: boolean;
  validity_note: string;
}

/** Checklist is what the approver checks before approving. */
export interface Checklist {
  campaign_id: number;
  status: CampaignStatus;
  ready: boolean;
  problems: FieldProblem[];
  dates: { start_date: string; end_date: string; today: string; ok: boolean };
  offers: OfferCheck[];
  audience: { rules: Audience; matched_by_rules: number; exclusions: ExclusionCount[]; count: number };
  frequency: {
    campaign_cap_per_week: number;
    financier_cap_per_week: number;
    financier_cap_per_month: number;
    effective_per_week: number;
    note: string;
  };
  journey: { steps: StepView[] };
  approval: { created_by: number; updated_by: number; submitted_by: number | null; approved_by: number | null; rule: string };
}

// Agreement imports (backend/agreements/import*.go).

export type ImportStatus = 'receiving' | 'queued' | 'running' | 'done' | 'refused' | 'failed';

/** Refusal is why a whole file was refused (nothing changed). */
export interface Refusal {
  column: string;
  message: string;
}

/** ImportView is one load of an agreements file: its status, counts and (the first 1,000 of) its issues. */
export interface ImportView {
  id: number;
  status: ImportStatus;
  file_name: string;
  format: string;
  source: string;
  bytes: number;
  bytes_done: number;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected_count: number;
  warnings_count: number;
  rejected: LineProblem[];
  warnings: LineProblem[];
  refusal?: Refusal;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** ProgressEvent is one "progress" event of an import's stream: the import without its issues. */
export type ProgressEvent = Omit<ImportView, 'rejected' | 'warnings' | 'file_name' | 'format' | 'source' | 'created_at' | 'started_at' | 'finished_at'>;

/** IMPORT_TEMPLATE is the agreements template's path under /api/v1. */
export const IMPORT_TEMPLATE = '/imports/template.csv';

// The audit log (backend/privacy/audit_http.go).

/** AuditEntry is one entry of the audit log: who did what to which object, from where. */
export interface AuditEntry {
  id: number;
  at: string;
  actor_kind: string;
  actor_id: number | null;
  actor_name?: string;
  action: string;
  object_type: string;
  object_id: string;
  /** Names of the fields changed, personal ones included by name only. */
  fields: string[];
  /** Before and after of non-personal fields: {"status": ["draft", "submitted"]}. */
  changes?: Record<string, [unknown, unknown]>;
  ip: string;
  request_id: string;
}

/** AuditQuery filters the audit log; every field is optional. */
export interface AuditQuery {
  action?: string;
  object_type?: string;
  object_id?: string;
  actor_kind?: string;
  actor_id?: string;
  /** A date (2026-11-23, the whole day) or a time. */
  from?: string;
  to?: string;
}

/** auditQueryString writes the filters that are set as a query string ("" when none). */
export function auditQueryString(q: AuditQuery, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, ...extra })) if (v && String(v).trim()) p.set(k, String(v).trim());
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** AUDIT_EXPORT is the audit log's CSV export under /api/v1 (add the same filters). */
export const AUDIT_EXPORT = '/audit.csv';

// Offer media (backend/media): vehicle images, videos and WebVTT captions
// uploaded to Keyturn and served from /media/<key> on the same origin.

/** MediaKind is what an uploaded file is for; the server tells it by the file's bytes. */
export type MediaKind = 'image' | 'video' | 'captions';

/** MediaView is one uploaded file. url is what an offer's image_url, video_url or captions_url holds. */
export interface MediaView {
  id: number;
  key: string;
  /** "/media/<key>" */
  url: string;
  kind: MediaKind;
  content_type: string;
  file_name: string;
  bytes: number;
  sha256: string;
  created_at: string;
}

/** MediaRule is what the server takes for one kind of media (backend/media). */
export interface MediaRule {
  /** The file picker's accept= list. */
  accept: string;
  /** The most bytes the server takes; more is refused with 413. */
  maxBytes: number;
  /** The formats in words: "JPEG, PNG or WebP". */
  formats: string;
}

/** MEDIA_RULES mirrors the server's formats and size caps, so a file the server would refuse for its size is not sent at all. */
export const MEDIA_RULES: Record<MediaKind, MediaRule> = {
  image: { accept: '.jpg,.jpeg,.png,.webp,image/jpeg,image/png,image/webp', maxBytes: 5 * 1024 * 1024, formats: 'JPEG, PNG or WebP' },
  video: { accept: '.mp4,.webm,video/mp4,video/webm', maxBytes: 100 * 1024 * 1024, formats: 'MP4 or WebM' },
  captions: { accept: '.vtt,text/vtt', maxBytes: 512 * 1024, formats: 'WebVTT (.vtt)' },
};

/** mediaUploads lists the financier's earlier uploads of one kind, newest first. */
export function mediaUploads(api: Api, kind: MediaKind): Promise<{ items: MediaView[] }> {
  return api.request('GET', `/media?kind=${enc(kind)}`);
}

/** UploadProgress is how much of a request body has been sent. */
export interface UploadProgress {
  loaded: number;
  /** The whole body (the file and the multipart framing); 0 while not known. */
  total: number;
}

/** MediaUploadOptions tune uploadMedia. */
export interface MediaUploadOptions {
  /**
   * token answers the access token as it is now. It is asked again for the
   * retry after a refresh, because the refresh replaces it.
   */
  token: () => string | null;
  /** Called as the body goes out, for a progress bar. */
  onProgress?: (p: UploadProgress) => void;
  /** Aborting stops the upload; the promise then rejects with an AbortError. */
  signal?: AbortSignal;
  /** Makes the request object; tests pass their own. Defaults to XMLHttpRequest. */
  xhr?: () => XMLHttpRequest;
  /** Defaults to /api/v1. */
  base?: string;
}

/**
 * uploadMedia sends one file to POST /media as multipart/form-data (part
 * "file") and answers what the server stored. It uses XMLHttpRequest, not
 * the Api client's fetch: only XHR reports how much of a request body has
 * been sent (fetch's streaming uploads need HTTP/2), and a 100 MB video
 * needs a progress bar. It keeps the client's rules all the same: the
 * bearer token, one refresh and retry on a 401, and problem+json replies
 * turned into the same typed errors.
 */
export async function uploadMedia(api: Api, file: File, opts: MediaUploadOptions): Promise<MediaView> {
  const form = new FormData();
  form.append('file', file, file.name);
  try {
    return await sendMedia(form, opts);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'unauthorized')) throw err;
    const session = await api.refresh();
    if (!session) throw err;
  }
  try {
    return await sendMedia(form, opts);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'unauthorized') api.forget();
    throw err;
  }
}

function sendMedia(form: FormData, opts: MediaUploadOptions): Promise<MediaView> {
  return new Promise((resolve, reject) => {
    const signal = opts.signal;
    if (signal?.aborted) {
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
      return;
    }
    const xhr = opts.xhr ? opts.xhr() : new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.open('POST', `${opts.base ?? '/api/v1'}/media`);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    const token = opts.token();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => opts.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
    xhr.onload = () => {
      done();
      const body = parseJSONReply(xhr.getResponseHeader('Content-Type'), xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as MediaView);
      else reject(problemFrom(xhr.status, body));
    };
    xhr.onerror = () => {
      done();
      reject(new NetworkError());
    };
    xhr.onabort = () => {
      done();
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort);
    xhr.send(form);
  });
}

// parseJSONReply reads a JSON or problem+json body, and anything else (an
// HTML error page from a proxy) as undefined, as the Api client does.
function parseJSONReply(contentType: string | null, text: string): unknown {
  if (!/^application\/(problem\+)?json\b/i.test(contentType ?? '')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
