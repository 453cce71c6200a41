using System.Net;
using System.Net.Sockets;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Ports for servers a test starts later (a portal whose public URL must be known first, maildev, Redis, a portal
/// process). Asking the kernel for port 0 hands out one from the ephemeral range (32768–60999), the same range every
/// outgoing connection (PostgreSQL, Redis, HTTP clients) draws its source port from: between choosing and binding,
/// one of those can take it ("address already in use"). These come from 20000–31999 instead, which nothing assigns
/// by itself, walked by one counter per test process (a random start, so processes rarely meet) and checked free.
/// </summary>
public static class TestPorts
{
    private const int First = 20000, Count = 12000;
    private static int next = Random.Shared.Next(Count);

    public static int Next()
    {
        for (var tries = 0; tries < Count; tries++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // in use by someone else: the next one
            }
        }
        throw new InvalidOperationException($"No free port between {First} and {First + Count - 1} on 127.0.0.1.");
    }
}
