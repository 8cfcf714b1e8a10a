/** Where a house is in its life. */
export type HouseState = 'new' | 'running' | 'stopping' | 'stopped';

/** The state every collaborator of one house reads. */
export class Lifecycle {
  state: HouseState = 'new';

  get running(): boolean {
    return this.state === 'running';
  }
}
