import { Ack, ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { MetricsService } from '../metrics/metrics.service.js';
import { LegacyChatService } from './legacy-chat.service.js';
import { LegacyEventBridge } from './legacy-event.bridge.js';
import { LEGACY_EVENTS } from './legacy-protocol.js';

/**
 * The Moneypot chatbox protocol on the default namespace. Thin: each event goes to one method of
 * LegacyChatService, which answers through the ack callback itself (two arguments for auth),
 * never through a return value (Nest would make that a one-argument ack).
 */
@WebSocketGateway()
export class LegacyChatGateway implements OnGatewayInit<Server>, OnGatewayConnection<Socket>, OnGatewayDisconnect<Socket> {
  /** The Socket.IO server; with REDIS_URL its adapter spans every instance (legacy-io.adapter.ts). */
  @WebSocketServer() readonly server!: Server;

  constructor(private readonly chat: LegacyChatService, private readonly bridge: LegacyEventBridge, private readonly metrics: MetricsService) {}

  afterInit(server: Server): void {
    this.bridge.attach(server);
  }

  handleConnection(socket: Socket): void {
    this.metrics.connections.inc({ transport: 'legacy' });
    this.chat.connected(socket);
  }

  handleDisconnect(socket: Socket): Promise<void> {
    this.metrics.connections.dec({ transport: 'legacy' });
    return this.chat.disconnected(socket);
  }

  @SubscribeMessage(LEGACY_EVENTS.auth)
  auth(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: unknown): Promise<void> {
    return this.chat.auth(socket, payload, ack);
  }

  @SubscribeMessage(LEGACY_EVENTS.newMessage)
  newMessage(@ConnectedSocket() socket: Socket, @MessageBody() text: unknown, @Ack() ack: unknown): Promise<void> {
    return this.chat.newMessage(socket, text, ack);
  }
}
