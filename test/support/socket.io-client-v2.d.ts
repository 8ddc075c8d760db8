/** socket.io-client 2.x (installed as socket.io-client-v2) ships no types: the little the tests use. */
declare module 'socket.io-client-v2' {
  interface SocketV2 {
    connected: boolean;
    id: string;
    on(event: string, listener: (...args: any[]) => void): SocketV2;
    emit(event: string, ...args: any[]): SocketV2;
    close(): SocketV2;
  }
  function io(url: string, options?: Record<string, unknown>): SocketV2;
  export default io;
}
