// Async boundary: shared singletons (react, react-dom, react-router, @exam/session, @exam/ui) are negotiated first.
import('./bootstrap');
