/**
 * Treatment exposure of a sample from the study's timeline: was the patient given the agent before the sample was
 * taken? Timeline dates are whole days from the patient's reference point (cBioPortal File-Formats, "Timeline
 * Data"); TREATMENT events name the drug in AGENT, SPECIMEN / SAMPLE_ACQUISITION events name the sample in SAMPLE_ID.
 */

export type Exposure = 'exposed' | 'unexposed' | 'unknown';

export interface TreatmentEvent {
  patientId: string;
  agent: string;
  startDate: number;
}

export interface SampleDate {
  sampleId: string;
  patientId: string;
  /** Day the sample was taken (START_DATE of its SPECIMEN or SAMPLE_ACQUISITION event), or null when unknown. */
  collectedOn: number | null;
}

/**
 * `exposed`: a TREATMENT with the agent started before the sample's collection day;
 * `unexposed`: the patient never had the agent, or started it on or after the collection day;
 * `unknown`: the patient had the agent but the sample's collection day is not in the timeline.
 * Agent names compare case-insensitively; a TREATMENT row may list several agents separated by `,` `+` or `/`.
 */
export function treatmentExposure(samples: ReadonlyArray<SampleDate>, treatments: ReadonlyArray<TreatmentEvent>, agent: string): Map<string, Exposure> {
  const want = agent.trim().toLowerCase();
  const firstStart = new Map<string, number>();
  for (const t of treatments) {
    const agents = t.agent.split(/[,+/]/).map((a) => a.trim().toLowerCase());
    if (!agents.includes(want)) continue;
    const prev = firstStart.get(t.patientId);
    if (prev === undefined || t.startDate < prev) firstStart.set(t.patientId, t.startDate);
  }
  const out = new Map<string, Exposure>();
  for (const s of samples) {
    const start = firstStart.get(s.patientId);
    if (start === undefined) out.set(s.sampleId, 'unexposed');
    else if (s.collectedOn === null) out.set(s.sampleId, 'unknown');
    else out.set(s.sampleId, start < s.collectedOn ? 'exposed' : 'unexposed');
  }
  return out;
}
