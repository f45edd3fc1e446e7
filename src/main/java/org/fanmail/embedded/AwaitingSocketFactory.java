package org.fanmail.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * The socket factory of the embedded database's JDBC URL ({@code socketFactory=} this class): every
 * new connection waits for {@link PendingStart} before its socket is made, so connections opened
 * while the database is still starting beside Quarkus's boot (the pool's first ones, the migration)
 * wait for it instead of being refused. Once started, it is the default factory.
 */
public final class AwaitingSocketFactory extends SocketFactory {
  /** PostgreSQL's driver makes one per connection by this no-argument constructor. */
  public AwaitingSocketFactory() {}

  @Override
  public Socket createSocket() throws IOException {
    PendingStart.await();
    return SocketFactory.getDefault().createSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    PendingStart.await();
    return SocketFactory.getDefault().createSocket(host, port);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    PendingStart.await();
    return SocketFactory.getDefault().createSocket(host, port, localHost, localPort);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    PendingStart.await();
    return SocketFactory.getDefault().createSocket(host, port);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    PendingStart.await();
    return SocketFactory.getDefault().createSocket(address, port, localAddress, localPort);
  }
}
