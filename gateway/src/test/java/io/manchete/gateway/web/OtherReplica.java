package io.manchete.gateway.web;

import io.manchete.gateway.cache.GatewayCaches;
import io.manchete.launcher.testing.RealInfrastructure;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.client.hotrod.configuration.ClientIntelligence;
import org.infinispan.client.hotrod.configuration.ConfigurationBuilder;
import org.infinispan.commons.marshall.ProtoStreamMarshaller;

/**
 * Another gateway replica, as far as the tag versions and stored pages go: its own Hot Rod client to the same
 * Infinispan Server, writing a tag version the way the purge API does. The gateway under test only
 * learns about it through its near cache being invalidated by the server.
 */
final class OtherReplica implements AutoCloseable {
    private final RemoteCacheManager manager;

    OtherReplica() {
        ConfigurationBuilder builder = new ConfigurationBuilder();
        builder.addServer().host("127.0.0.1").port(RealInfrastructure.infinispan().port());
        builder.clientIntelligence(ClientIntelligence.BASIC).marshaller(new ProtoStreamMarshaller());
        builder.socketTimeout(2000).connectionTimeout(2000).maxRetries(1);
        manager = new RemoteCacheManager(builder.build());
    }

    /** What {@code POST /internal/v1/purge} on that replica does for one tag. */
    void purge(String tag) {
        manager.<String, String>getCache(GatewayCaches.TAGS).put(tag, System.currentTimeMillis() + ".0ther");
    }

    /** That replica's view of the page cache (it stores pages it built there). */
    org.infinispan.client.hotrod.RemoteCache<String, byte[]> pages() {
        return manager.getCache(GatewayCaches.PAGES);
    }

    @Override
    public void close() {
        manager.stop();
    }
}
