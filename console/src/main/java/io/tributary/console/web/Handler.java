package io.tributary.console.web;

/** A page or an action: answers one request. */
@FunctionalInterface
public interface Handler {
  Response handle(Request request) throws Exception;
}
