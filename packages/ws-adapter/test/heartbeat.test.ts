import { eventually } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

let fx: GatewayFixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

describe('heartbeats', () => {
  it('ends connections that stop answering pings and keeps the live ones', async () => {
    fx = await startGateway({ heartbeatMs: 100 });
    const live = await TestClient.open(fx.url);
    // A dead peer: ws answers pings itself unless told not to.
    const dead = await TestClient.open(fx.url, { autoPong: false });
    const code = await dead.closed;
    expect(code).toBe(1006);
    expect(fx.gateway.metrics().heartbeatTerminations).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    live.send({ type: 'ping' });
    await live.nextOf('pong');
    await eventually(() => fx?.gateway.metrics().connections === 1);
    await live.close();
  });
});
