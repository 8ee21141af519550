//! A read-through cache in front of any [`SecretStore`], so a warm Lambda does not call
//! Secrets Manager (a paid, throttled API) for every application it delivers.

use crate::{SecretStore, StoreError};
use async_trait::async_trait;
use atsi_domain::EmployerId;
use atsi_domain::credentials::ApiKey;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Keeps the keys read or created for `ttl`. A reference always names the same key
/// (rotation creates a new reference), so a cached key goes stale only when it is
/// deleted or revoked in Greenhouse: delete evicts it here, and the caller
/// [`invalidates`](SecretStore::invalidate) it when Greenhouse refuses it. The ttl bounds
/// how long another instance's delete goes unnoticed. Misses are not cached, so a key
/// created by another instance is found at once.
pub struct CachedSecretStore<S> {
    inner: S,
    ttl: Duration,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    entries: HashMap<String, (Instant, ApiKey)>,
    /// Counts evictions, so that a read through that overlapped one does not put back
    /// what was just deleted or invalidated.
    evictions: u64,
}

impl<S> CachedSecretStore<S> {
    /// How long a key is served from memory unless told otherwise.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(5 * 60);

    pub fn new(inner: S, ttl: Duration) -> Self {
        Self {
            inner,
            ttl,
            cache: Mutex::new(Cache::default()),
        }
    }

    pub fn with_default_ttl(inner: S) -> Self {
        Self::new(inner, Self::DEFAULT_TTL)
    }

    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The lock is only ever held for map operations, never across an `.await`. A panic
    /// while holding it cannot leave the map half-written in a way that matters (an
    /// entry is either there or not), so a poisoned lock is used as is.
    fn lock(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn evict(&self, key_ref: &str) {
        let mut cache = self.lock();
        cache.entries.remove(key_ref);
        cache.evictions += 1;
    }

    /// Caches `key` unless an eviction happened since `seen` (the value read may be the
    /// one just deleted). Expired entries are dropped on the way, which bounds the map
    /// by the keys used within one ttl.
    fn insert(&self, key_ref: &str, key: &ApiKey, seen: u64) {
        let now = Instant::now();
        let ttl = self.ttl;
        let mut cache = self.lock();
        if cache.evictions != seen {
            return;
        }
        cache
            .entries
            .retain(|_, (at, _)| now.duration_since(*at) < ttl);
        cache.entries.insert(key_ref.to_owned(), (now, key.clone()));
    }
}

#[async_trait]
impl<S: SecretStore> SecretStore for CachedSecretStore<S> {
    async fn create(&self, employer: &EmployerId, key: &ApiKey) -> Result<String, StoreError> {
        let seen = self.lock().evictions;
        let key_ref = self.inner.create(employer, key).await?;
        self.insert(&key_ref, key, seen);
        Ok(key_ref)
    }

    async fn get(&self, key_ref: &str) -> Result<Option<ApiKey>, StoreError> {
        let seen = {
            let mut cache = self.lock();
            match cache.entries.get(key_ref) {
                Some((at, key)) if at.elapsed() < self.ttl => return Ok(Some(key.clone())),
                Some(_) => {
                    cache.entries.remove(key_ref);
                }
                None => {}
            }
            cache.evictions
        };
        let read = self.inner.get(key_ref).await?;
        if let Some(key) = &read {
            self.insert(key_ref, key, seen);
        }
        Ok(read)
    }

    async fn delete(&self, key_ref: &str) -> Result<bool, StoreError> {
        let result = self.inner.delete(key_ref).await;
        // Evicted even when the delete failed: it may have happened anyway, and a read
        // through costs one call.
        self.evict(key_ref);
        result
    }

    fn invalidate(&self, key_ref: &str) {
        self.evict(key_ref);
        self.inner.invalidate(key_ref);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// An in-memory store that counts the reads reaching it.
    #[derive(Default)]
    struct Counting {
        keys: Mutex<HashMap<String, String>>,
        gets: AtomicUsize,
        next: AtomicUsize,
    }

    impl Counting {
        fn gets(&self) -> usize {
            self.gets.load(Ordering::SeqCst)
        }
        fn put(&self, key_ref: &str, raw: &str) {
            self.keys
                .lock()
                .expect("lock")
                .insert(key_ref.to_owned(), raw.to_owned());
        }
        fn remove(&self, key_ref: &str) {
            self.keys.lock().expect("lock").remove(key_ref);
        }
    }

    #[async_trait]
    impl SecretStore for Counting {
        async fn create(&self, employer: &EmployerId, key: &ApiKey) -> Result<String, StoreError> {
            let n = self.next.fetch_add(1, Ordering::SeqCst);
            let key_ref = format!("{}/{n}", employer.as_str());
            self.put(&key_ref, key.expose());
            Ok(key_ref)
        }
        async fn get(&self, key_ref: &str) -> Result<Option<ApiKey>, StoreError> {
            self.gets.fetch_add(1, Ordering::SeqCst);
            Ok(self
                .keys
                .lock()
                .expect("lock")
                .get(key_ref)
                .map(|v| ApiKey::new(v.clone())))
        }
        async fn delete(&self, key_ref: &str) -> Result<bool, StoreError> {
            Ok(self.keys.lock().expect("lock").remove(key_ref).is_some())
        }
    }

    fn employer() -> EmployerId {
        EmployerId::parse("northwind").expect("id")
    }

    fn raw(key: Option<ApiKey>) -> Option<String> {
        key.map(|k| k.expose().to_owned())
    }

    fn cached(ttl: Duration) -> CachedSecretStore<Counting> {
        CachedSecretStore::new(Counting::default(), ttl)
    }

    #[tokio::test]
    async fn a_second_get_within_the_ttl_is_served_from_memory() {
        let store = cached(CachedSecretStore::<Counting>::DEFAULT_TTL);
        store.inner().put("r", "k1");
        assert_eq!(raw(store.get("r").await.expect("get")), Some("k1".into()));
        assert_eq!(raw(store.get("r").await.expect("get")), Some("k1".into()));
        assert_eq!(store.inner().gets(), 1);
    }

    #[tokio::test]
    async fn a_created_key_is_served_without_a_read() {
        let store = cached(Duration::from_secs(60));
        let key_ref = store
            .create(&employer(), &ApiKey::new("fresh"))
            .await
            .expect("create");
        assert_eq!(
            raw(store.get(&key_ref).await.expect("get")),
            Some("fresh".into())
        );
        assert_eq!(store.inner().gets(), 0);
    }

    #[tokio::test]
    async fn after_the_ttl_the_key_is_read_again() {
        let store = cached(Duration::from_millis(50));
        store.inner().put("r", "k1");
        store.get("r").await.expect("get");
        tokio::time::sleep(Duration::from_millis(80)).await;
        // Changed behind the cache's back: the fresh read shows it.
        store.inner().put("r", "k2");
        assert_eq!(raw(store.get("r").await.expect("get")), Some("k2".into()));
        assert_eq!(store.inner().gets(), 2);
        // And that read is cached in turn.
        store.get("r").await.expect("get");
        assert_eq!(store.inner().gets(), 2);
    }

    #[tokio::test]
    async fn invalidate_forces_a_read() {
        let store = cached(Duration::from_secs(60));
        store.inner().put("r", "k1");
        store.get("r").await.expect("get");
        store.inner().remove("r");
        // Still cached: the cache cannot know.
        assert!(store.get("r").await.expect("get").is_some());
        store.invalidate("r");
        assert!(store.get("r").await.expect("get").is_none());
        assert_eq!(store.inner().gets(), 2);
    }

    #[tokio::test]
    async fn delete_evicts() {
        let store = cached(Duration::from_secs(60));
        let key_ref = store
            .create(&employer(), &ApiKey::new("k"))
            .await
            .expect("create");
        assert!(store.get(&key_ref).await.expect("get").is_some());
        assert!(store.delete(&key_ref).await.expect("delete"));
        assert!(store.get(&key_ref).await.expect("get").is_none());
        assert_eq!(store.inner().gets(), 1);
        assert!(!store.delete(&key_ref).await.expect("delete again"));
    }

    #[tokio::test]
    async fn misses_are_not_cached() {
        let store = cached(Duration::from_secs(60));
        assert!(store.get("r").await.expect("get").is_none());
        store.inner().put("r", "late");
        assert_eq!(raw(store.get("r").await.expect("get")), Some("late".into()));
        assert_eq!(store.inner().gets(), 2);
    }

    #[tokio::test]
    async fn a_read_overlapping_an_eviction_is_not_cached() {
        let store = cached(Duration::from_secs(60));
        store.inner().put("r", "k1");
        let seen = store.lock().evictions;
        // Another task deletes "r" while this read was in flight with the old value.
        store.evict("r");
        store.insert("r", &ApiKey::new("k1"), seen);
        assert!(store.lock().entries.is_empty());
    }

    #[tokio::test]
    async fn passes_the_contract() {
        crate::contract::secrets(&cached(Duration::from_secs(60))).await;
    }

    #[test]
    fn expired_entries_are_dropped_when_another_is_cached() {
        let store = cached(Duration::from_millis(10));
        store.insert("old", &ApiKey::new("a"), 0);
        std::thread::sleep(Duration::from_millis(30));
        store.insert("new", &ApiKey::new("b"), 0);
        let cache = store.lock();
        assert_eq!(cache.entries.keys().collect::<Vec<_>>(), ["new"]);
    }
}
