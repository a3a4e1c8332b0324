// The last start failure of each container (kubelet `ReasonCache`), reported as waiting reason/message.

/** The last start failure of a container (kubelet `ReasonCache`): reason such as `CrashLoopBackOff`, and message. */
export interface StartFailure {
  reason: string;
  message: string;
}

/** Looks up the last start failure of container `name` of pod `uid`. */
export interface ReasonLookup {
  get(uid: string, name: string): StartFailure | undefined;
}

/** Start failures keyed by pod uid and container name; cleared when a start succeeds. */
export class ReasonCache implements ReasonLookup {
  private readonly entries = new Map<string, StartFailure>();

  get(uid: string, name: string): StartFailure | undefined {
    return this.entries.get(`${uid}/${name}`);
  }

  /** Records a failure such as `{ reason: 'CrashLoopBackOff', message: 'back-off 10s restarting ...' }`. */
  set(uid: string, name: string, failure: StartFailure): void {
    this.entries.set(`${uid}/${name}`, failure);
  }

  clear(uid: string, name: string): void {
    this.entries.delete(`${uid}/${name}`);
  }

  /** Forgets every container of pod `uid`. */
  clearPod(uid: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(`${uid}/`)) this.entries.delete(k);
  }
}
