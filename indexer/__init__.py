"""vnnews-search core: read Vietnamese news articles, index them with Whoosh, search them."""
