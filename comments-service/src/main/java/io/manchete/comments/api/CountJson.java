package io.manchete.comments.api;

public record CountJson(String slug, long count) {
}
